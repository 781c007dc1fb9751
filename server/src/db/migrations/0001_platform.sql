-- Platform foundation: administrative divisions, organisations, accounts, sessions, tokens,
-- login log, append-only audit log, file attachments and dictionaries.
-- All timestamps are timestamptz (stored in UTC).

CREATE TABLE division (
  code        text PRIMARY KEY CHECK (code ~ '^[0-9]{6}([0-9]{3}([0-9]{3}([0-9]{2})?)?)?$'),
  parent_code text REFERENCES division(code),
  name        text NOT NULL,
  level       text NOT NULL CHECK (level IN ('county', 'town', 'village', 'grid')),
  sort        integer NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
-- Division codes nest by prefix (county 6 → town 9 → village 12 → grid 14), so a subtree is a prefix match.
CREATE INDEX division_code_prefix ON division (code text_pattern_ops);
CREATE INDEX division_parent ON division (parent_code);

CREATE TABLE organization (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  parent_id     integer REFERENCES organization(id),
  code          text NOT NULL UNIQUE,
  name          text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('command_center', 'department', 'line', 'grid_force', 'auxiliary_force', 'law_enforcement', 'service')),
  division_code text NOT NULL REFERENCES division(code),
  sort          integer NOT NULL DEFAULT 0,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX organization_parent ON organization (parent_id);
CREATE INDEX organization_division ON organization (division_code text_pattern_ops);

CREATE TABLE role (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code        text NOT NULL UNIQUE,
  name_zh     text NOT NULL,
  name_en     text NOT NULL,
  data_scope  text NOT NULL CHECK (data_scope IN ('division', 'organization', 'self')),
  permissions text[] NOT NULL DEFAULT '{}',
  builtin     boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE app_user (
  id                  integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username            text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9_.-]{3,32}$'),
  display_name        text NOT NULL,
  password_hash       text NOT NULL,
  division_code       text NOT NULL REFERENCES division(code),
  organization_id     integer REFERENCES organization(id),
  status              text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  locale              text NOT NULL DEFAULT 'zh-CN' CHECK (locale IN ('zh-CN', 'en')),
  failed_logins       integer NOT NULL DEFAULT 0,
  locked_until        timestamptz,
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  last_login_at       timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX app_user_division ON app_user (division_code text_pattern_ops);

CREATE TABLE user_role (
  user_id integer NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
  role_id integer NOT NULL REFERENCES role(id),
  PRIMARY KEY (user_id, role_id)
);

-- Only a SHA-256 of the session token is stored: a leaked table does not leak live sessions.
CREATE TABLE session (
  token_hash   text PRIMARY KEY,
  user_id      integer NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
  csrf_token   text NOT NULL,
  ip           text,
  user_agent   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  revoked_at   timestamptz
);
CREATE INDEX session_by_user ON session (user_id);

CREATE TABLE api_token (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name          text NOT NULL,
  token_hash    text NOT NULL UNIQUE,
  token_prefix  text NOT NULL,
  scopes        text[] NOT NULL,
  division_code text NOT NULL REFERENCES division(code),
  created_by    integer REFERENCES app_user(id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz,
  last_used_at  timestamptz,
  revoked_at    timestamptz
);

CREATE TABLE login_log (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username   text NOT NULL,
  user_id    integer REFERENCES app_user(id) ON DELETE SET NULL,
  success    boolean NOT NULL,
  reason     text NOT NULL,
  ip         text,
  user_agent text,
  at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_log_at ON login_log (at DESC);

CREATE TABLE audit_log (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at            timestamptz NOT NULL DEFAULT now(),
  actor_type    text NOT NULL CHECK (actor_type IN ('user', 'token', 'system')),
  actor_id      integer,
  actor_name    text NOT NULL,
  ip            text,
  user_agent    text,
  request_id    text,
  action        text NOT NULL,
  entity_type   text NOT NULL,
  entity_id     text,
  division_code text,
  changes       jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_at ON audit_log (at DESC);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id);

-- Trails are append-only: updates and deletes are refused by the database itself.
CREATE FUNCTION refuse_update_or_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION refuse_update_or_delete();

CREATE TABLE stored_file (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sha256        text NOT NULL,
  mime          text NOT NULL,
  size          integer NOT NULL,
  original_name text NOT NULL,
  width         integer,
  height        integer,
  has_thumbnail boolean NOT NULL DEFAULT false,
  owner_type    text NOT NULL,
  owner_id      text NOT NULL,
  division_code text NOT NULL REFERENCES division(code),
  uploaded_by   integer REFERENCES app_user(id),
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stored_file_owner ON stored_file (owner_type, owner_id);

CREATE TABLE dictionary_item (
  dict_type text NOT NULL,
  value     text NOT NULL,
  label_zh  text NOT NULL,
  label_en  text NOT NULL,
  color     text,
  sort      integer NOT NULL DEFAULT 0,
  PRIMARY KEY (dict_type, value)
);
