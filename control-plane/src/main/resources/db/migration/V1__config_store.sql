-- The config store. PostgreSQL is the truth; every committed change bumps config_head.revision by one and keeps the
-- whole config of that revision in `revisions`. Each resource kind has its own table holding the resource's JSON in the
-- common-model shape (secrets sealed), its name, and `version`: the revision that last changed it (the ETag).
-- Statements end with a semicolon at the end of a line (see store/Migrations.java).

create table config_head (
  id       smallint primary key check (id = 1),
  revision bigint   not null
);
insert into config_head (id, revision) values (1, 0);

create table revisions (
  revision     bigint      primary key,
  created_at   timestamptz not null,
  author       text        not null,
  summary      text        not null,
  change_count integer     not null,
  changes      text        not null, -- JSON: [{"op": "created|updated|deleted", "kind": ..., "name": ...}]
  config       text        not null  -- JSON: the whole config of this revision, secrets sealed
);

-- Row ids of every resource table (Hibernate allocates them 50 at a time).
create sequence resource_row_id_seq increment by 50;

create table provider_accounts (
  id         bigint      primary key,
  name       text        not null unique,
  version    bigint      not null,
  body       text        not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  updated_by text        not null
);

create table virtual_models (
  id         bigint      primary key,
  name       text        not null unique,
  version    bigint      not null,
  body       text        not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  updated_by text        not null
);

create table identity_providers (
  id         bigint      primary key,
  name       text        not null unique,
  version    bigint      not null,
  body       text        not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  updated_by text        not null
);

create table users (
  id         bigint      primary key,
  name       text        not null unique,
  version    bigint      not null,
  body       text        not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  updated_by text        not null
);

create table teams (
  id         bigint      primary key,
  name       text        not null unique,
  version    bigint      not null,
  body       text        not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  updated_by text        not null
);

create table service_accounts (
  id         bigint      primary key,
  name       text        not null unique,
  version    bigint      not null,
  body       text        not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  updated_by text        not null
);

create table api_keys (
  id         bigint      primary key,
  name       text        not null unique,
  version    bigint      not null,
  body       text        not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  updated_by text        not null
);

create table access_rules (
  id         bigint      primary key,
  name       text        not null unique,
  version    bigint      not null,
  body       text        not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  updated_by text        not null
);

create table rate_limits (
  id         bigint      primary key,
  name       text        not null unique,
  version    bigint      not null,
  body       text        not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  updated_by text        not null
);

create table budgets (
  id         bigint      primary key,
  name       text        not null unique,
  version    bigint      not null,
  body       text        not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  updated_by text        not null
);

create table mcp_servers (
  id         bigint      primary key,
  name       text        not null unique,
  version    bigint      not null,
  body       text        not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  updated_by text        not null
);

create table virtual_mcp_servers (
  id         bigint      primary key,
  name       text        not null unique,
  version    bigint      not null,
  body       text        not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  updated_by text        not null
);

create table tool_policies (
  id         bigint      primary key,
  name       text        not null unique,
  version    bigint      not null,
  body       text        not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  updated_by text        not null
);

create table guardrails (
  id         bigint      primary key,
  name       text        not null unique,
  version    bigint      not null,
  body       text        not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  updated_by text        not null
);

-- A model belongs to a provider account; its name is <account>/<model-id>.
create table models (
  id         bigint      primary key,
  name       text        not null unique,
  account    text        not null,
  version    bigint      not null,
  body       text        not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  updated_by text        not null
);
create index models_account on models (account);
