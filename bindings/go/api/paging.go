package api

// PagingOption sets a paging parameter (upstream's type).
type PagingOption func(p *Paging)

// Paging holds the paging parameters of the Get*/Find* calls. Sorting is not sent by the
// C API (SortBy/Descending are accepted and ignored: see README).
type Paging struct {
	offset     int
	limit      int
	sortBy     string
	descending bool
	after      string
}

// PagingWithLimit sets the page size (1..100).
func PagingWithLimit(limit int) PagingOption { return func(p *Paging) { p.limit = limit } }

// PagingWithOffset sets the starting offset.
func PagingWithOffset(offset int) PagingOption { return func(p *Paging) { p.offset = offset } }

// PagingWithSortBy is accepted for compatibility; the C API does not sort.
func PagingWithSortBy(sortBy string) PagingOption { return func(p *Paging) { p.sortBy = sortBy } }

// PagingWithDescending is accepted for compatibility; the C API does not sort.
func PagingWithDescending(descending bool) PagingOption {
	return func(p *Paging) { p.descending = descending }
}

// PagingWithAfter continues after the given ID (buckets).
func PagingWithAfter(after string) PagingOption { return func(p *Paging) { p.after = after } }

func paging(opts []PagingOption) *Paging {
	p := &Paging{}
	for _, o := range opts {
		o(p)
	}
	return p
}
