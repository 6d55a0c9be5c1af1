#!/usr/bin/env python3
"""Generate influxdb_client_c/_cdefs.py (ctypes declarations) from include/influxdb_client.h.

    python3 bindings/python/scripts/gen_cdefs.py            # rewrite _cdefs.py
    python3 bindings/python/scripts/gen_cdefs.py --check    # exit 1 if _cdefs.py is stale

The header is cbindgen's output, so its shapes are few and regular: #define constants,
typedefs of scalars, opaque structs, structs and unions with one member per line, callback
typedefs, and one prototype per line. Anything else in it is an error here, so a new shape
in the header cannot be skipped silently.
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PKG = os.path.normpath(os.path.join(HERE, ".."))
ROOT = os.path.normpath(os.path.join(PKG, "..", ".."))
HEADER = os.path.join(ROOT, "include", "influxdb_client.h")
OUT = os.path.join(PKG, "influxdb_client_c", "_cdefs.py")

SCALARS = {
    "void": "None", "bool": "ctypes.c_bool", "char": "ctypes.c_char", "int": "ctypes.c_int",
    "unsigned": "ctypes.c_uint", "unsigned int": "ctypes.c_uint", "double": "ctypes.c_double", "size_t": "ctypes.c_size_t",
    "int8_t": "ctypes.c_int8", "uint8_t": "ctypes.c_uint8", "int16_t": "ctypes.c_int16",
    "uint16_t": "ctypes.c_uint16", "int32_t": "ctypes.c_int32", "uint32_t": "ctypes.c_uint32",
    "int64_t": "ctypes.c_int64", "uint64_t": "ctypes.c_uint64",
}


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


class Gen:
    def __init__(self, text):
        self.text = strip_comments(text)
        self.consts = []        # (name, value)
        self.aliases = {}       # typedef name -> ctypes expression
        self.opaque = []        # opaque struct names
        self.records = []       # (kind, name, [(type, member)])
        self.callbacks = []     # (name, ret, [args])
        self.funcs = []         # (name, ret, [args])
        self.record_names = set()

    def ctype(self, decl, where):
        """ctypes expression for a C type (without the name)."""
        t = re.sub(r"\b(const|struct|union)\b", " ", decl)
        t = re.sub(r"\s+", " ", t).strip()
        stars = t.count("*")
        base = t.replace("*", "").strip()
        if stars == 0:
            if base in SCALARS:
                return SCALARS[base]
            if base in self.aliases:
                return self.aliases[base]
            if base in self.record_names:
                return base
            raise SystemExit(f"gen_cdefs: unknown type {decl!r} in {where}")
        if base == "char" and stars == 1:
            return "ctypes.c_char_p"
        if base == "uint8_t" and stars == 1:
            return "ctypes.c_char_p"  # byte buffers: pass bytes
        if base == "char" and stars == 2:
            return "ctypes.POINTER(ctypes.c_char_p)"
        if base == "void" and stars == 1:
            return "ctypes.c_void_p"
        if base in self.opaque:
            return "ctypes.c_void_p" if stars == 1 else "ctypes.POINTER(ctypes.c_void_p)"
        if base in self.record_names:
            inner = base
            for _ in range(stars):
                inner = f"ctypes.POINTER({inner})"
            return inner
        if base in self.aliases or base in SCALARS:
            inner = self.aliases.get(base) or SCALARS[base]
            if inner == "None":
                inner = "ctypes.c_void_p"
                stars -= 1
            for _ in range(stars):
                inner = f"ctypes.POINTER({inner})"
            return inner
        raise SystemExit(f"gen_cdefs: unknown pointer type {decl!r} in {where}")

    @staticmethod
    def split_arg(arg):
        arg = arg.strip()
        m = re.match(r"^(.*?)(\w+)(\s*\[(\d+)\])?$", arg)
        if not m:
            raise SystemExit(f"gen_cdefs: cannot read argument {arg!r}")
        return m.group(1).strip(), m.group(2), m.group(4)

    def parse(self):
        text = self.text
        for m in re.finditer(r"^#define\s+(\w+)\s+(.+?)\s*$", text, re.M):
            name, value = m.group(1), m.group(2)
            if name == "INFLUXDB_CLIENT_H":
                continue
            v = re.sub(r"(?<=\d)[uUlL]+$", "", value.strip())
            if not re.fullmatch(r"-?\d+|[()\w -]+", v):
                raise SystemExit(f"gen_cdefs: cannot read #define {name} {value}")
            if v.replace("(", "").replace(")", "") == "size_t-1":
                v = "-1 & ((1 << (8 * ctypes.sizeof(ctypes.c_size_t))) - 1)"
            self.consts.append((name, v))
        # drop preprocessor lines and extern "C" guards
        body = re.sub(r"^#.*$", "", text, flags=re.M)
        body = body.replace('extern "C" {', "")
        body = re.sub(r"^\}\s*$", "", body, flags=re.M)
        for stmt in re.finditer(r"(typedef\s+(?:struct|union)\s+\w+\s*\{.*?\}\s*\w+\s*;"
                                r"|typedef[^;{]*;|[^;{}]+\([^;{}]*\)\s*;)", body, re.S):
            s = re.sub(r"\s+", " ", stmt.group(0).replace(";", " ;")).strip()
            self.statement(s)

    def statement(self, s):
        m = re.fullmatch(r"typedef (struct|union) (\w+) \{(.*)\} (\w+) ;", s)
        if m:
            kind, name, members = m.group(1), m.group(2), m.group(3)
            self.record_names.add(name)
            fields = []
            for mem in members.split(";"):
                mem = mem.strip()
                if not mem:
                    continue
                typ, mname, arr = self.split_arg(mem)
                fields.append((typ, mname, arr))
            self.records.append((kind, name, fields))
            return
        m = re.fullmatch(r"typedef struct (\w+) (\w+) ;", s)
        if m:
            self.opaque.append(m.group(2))
            return
        m = re.fullmatch(r"typedef (.+?) \(\*(\w+)\)\((.*)\) ;", s)
        if m:
            self.callbacks.append((m.group(2), m.group(1), self.args(m.group(3))))
            self.aliases[m.group(2)] = m.group(2)
            return
        m = re.fullmatch(r"typedef ([\w ]+?) (\w+) ;", s)
        if m:
            self.aliases[m.group(2)] = self.ctype(m.group(1), m.group(2))
            return
        m = re.fullmatch(r"(.+?)\b(\w+)\((.*)\) ;", s)
        if m:
            self.funcs.append((m.group(2), m.group(1).strip(), self.args(m.group(3))))
            return
        raise SystemExit(f"gen_cdefs: unknown statement in the header: {s!r}")

    @staticmethod
    def args(text):
        text = text.strip()
        if text in ("", "void"):
            return []
        return [a.strip() for a in text.split(",")]

    def render(self):
        out = [
            '"""ctypes declarations of include/influxdb_client.h.',
            "",
            "GENERATED by bindings/python/scripts/gen_cdefs.py from the header. DO NOT EDIT:",
            "run the script after the header changes (the tests fail while this file is stale).",
            '"""',
            "# flake8: noqa",
            "import ctypes",
            "",
            f"HEADER_SHA256 = {self.digest!r}",
            "",
        ]
        for name, v in self.consts:
            out.append(f"{name} = {v}")
        out.append("")
        for name in self.opaque:
            out.append(f"{name} = ctypes.c_void_p  # opaque handle")
        out.append("")
        # records: declare all first (callbacks and records may refer to each other)
        for kind, name, _ in self.records:
            base = "ctypes.Structure" if kind == "struct" else "ctypes.Union"
            out.append(f"class {name}({base}):\n    pass\n")
        for name, ret, args in self.callbacks:
            ctys = [self.ctype(ret, name)] + [self.ctype(self.split_arg(a)[0], name) for a in args]
            out.append(f"{name} = ctypes.CFUNCTYPE({', '.join(ctys)})")
        out.append("")
        for kind, name, fields in self.records:
            rows = []
            for typ, mname, arr in fields:
                cty = self.ctype(typ, f"{name}.{mname}")
                if arr:
                    cty = f"{cty} * {arr}"
                rows.append(f"    ({mname!r}, {cty}),")
            out.append(f"{name}._fields_ = [\n" + "\n".join(rows) + "\n]")
        out.append("")
        out.append("# name: (restype, [argtypes])")
        out.append("FUNCTIONS = {")
        for name, ret, args in self.funcs:
            r = self.ctype(ret, name)
            a = ", ".join(self.ctype(self.split_arg(x)[0], name) for x in args)
            out.append(f"    {name!r}: ({r}, [{a}]),")
        out.append("}")
        return "\n".join(out) + "\n"


def generate(header_path=HEADER):
    import hashlib
    with open(header_path, "rb") as f:
        raw = f.read()
    g = Gen(raw.decode("utf-8"))
    g.digest = hashlib.sha256(raw).hexdigest()
    g.parse()
    return g.render()


def main(argv):
    text = generate()
    if "--check" in argv:
        try:
            with open(OUT, encoding="utf-8") as f:
                current = f.read()
        except FileNotFoundError:
            current = ""
        if current != text:
            print(f"{OUT} is stale: run bindings/python/scripts/gen_cdefs.py", file=sys.stderr)
            return 1
        print("ctypes declarations up to date")
        return 0
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"generated {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
