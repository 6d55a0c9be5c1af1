"""The client modules (the seed's influxdb_client.client)."""
