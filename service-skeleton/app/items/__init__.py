"""The example resource: items, with CRUD, cursor pagination, filters and a read-through cache."""
