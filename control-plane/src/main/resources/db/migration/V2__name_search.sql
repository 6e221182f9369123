-- The console's name search (`lower(name) like '%text%'`) over trigram indexes: a search finds its matches through
-- the index instead of reading the whole table, so a rare name in 100,000 keys costs what its few matches cost.
-- pg_trgm ships with PostgreSQL and is a trusted extension: the database's owner may create it. It goes to (and is
-- named in) schema public, not the control plane's own schema: an extension exists once per database, so another
-- control plane on another schema of the same database must find its operator class too.
create extension if not exists pg_trgm with schema public;
create index provider_accounts_name_search on provider_accounts using gin (lower(name) public.gin_trgm_ops);
create index models_name_search on models using gin (lower(name) public.gin_trgm_ops);
create index virtual_models_name_search on virtual_models using gin (lower(name) public.gin_trgm_ops);
create index identity_providers_name_search on identity_providers using gin (lower(name) public.gin_trgm_ops);
create index users_name_search on users using gin (lower(name) public.gin_trgm_ops);
create index teams_name_search on teams using gin (lower(name) public.gin_trgm_ops);
create index service_accounts_name_search on service_accounts using gin (lower(name) public.gin_trgm_ops);
create index api_keys_name_search on api_keys using gin (lower(name) public.gin_trgm_ops);
create index access_rules_name_search on access_rules using gin (lower(name) public.gin_trgm_ops);
create index rate_limits_name_search on rate_limits using gin (lower(name) public.gin_trgm_ops);
create index budgets_name_search on budgets using gin (lower(name) public.gin_trgm_ops);
create index mcp_servers_name_search on mcp_servers using gin (lower(name) public.gin_trgm_ops);
create index virtual_mcp_servers_name_search on virtual_mcp_servers using gin (lower(name) public.gin_trgm_ops);
create index tool_policies_name_search on tool_policies using gin (lower(name) public.gin_trgm_ops);
create index guardrails_name_search on guardrails using gin (lower(name) public.gin_trgm_ops);
