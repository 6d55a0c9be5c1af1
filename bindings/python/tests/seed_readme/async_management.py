# Vendored from the README.md of influxdb-client-python 1.50.0 (MIT License, see the
# seed's LICENSE in LICENSE here), the code block at README line 1431, section:
#   Advanced Usage / How to use Asyncio / Management API
# Changed: `influxdb_client` -> `influxdb_client_c` in the imports, nothing else.
# The test substitutes the server for http://localhost:8086, my-token, my-org and my-bucket at run time.
# --- README line 1431 ---
import asyncio

from influxdb_client_c import OrganizationsService
from influxdb_client_c.client.influxdb_client_async import InfluxDBClientAsync


async def main():
    async with InfluxDBClientAsync(url='http://localhost:8086', token='my-token', org='my-org') as client:
        # Initialize async OrganizationsService
        organizations_service = OrganizationsService(api_client=client.api_client)

        # Find organization with name 'my-org'
        organizations = await organizations_service.get_orgs(org='my-org')
        for organization in organizations.orgs:
            print(f'name: {organization.name}, id: {organization.id}')


if __name__ == "__main__":
    asyncio.run(main())
# --- end of README text ---
