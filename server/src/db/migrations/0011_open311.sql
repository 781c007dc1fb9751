-- Open311 GeoReport v2: the questions a service asks beyond the description (service definitions),
-- and what an Open311 request brought beside its event.

-- One attribute of a service (service = an event_category). Data, edited by county-level admins
-- through /api/open311; the demo town ships a few.
CREATE TABLE open311_attribute (
  id                   integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  category_code        text NOT NULL REFERENCES event_category(code),
  code                 text NOT NULL CHECK (code ~ '^[A-Za-z0-9_-]{1,64}$'),
  -- false: information shown to the reporter, nothing to answer
  variable             boolean NOT NULL DEFAULT true,
  datatype             text NOT NULL CHECK (datatype IN ('string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist')),
  required             boolean NOT NULL DEFAULT false,
  datatype_description text NOT NULL DEFAULT '',
  -- the spec's `order`: positive, unique within the service
  sort                 integer NOT NULL CHECK (sort > 0),
  description          text NOT NULL,
  description_en       text,
  -- the choices of the list datatypes: [{"key": "…", "name": "…", "nameEn": "…"}]; [] otherwise
  options              jsonb NOT NULL DEFAULT '[]',
  updated_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (category_code, code),
  UNIQUE (category_code, sort)
);

-- Beside each event reported through Open311: the partner's key, the attribute answers, the media
-- link, and the reporter's e-mail (personal data: ciphertext and masked form, like reporter phones).
CREATE TABLE open311_request (
  event_id     bigint PRIMARY KEY REFERENCES event(id),
  api_token_id integer NOT NULL REFERENCES api_token(id),
  attributes   jsonb NOT NULL DEFAULT '{}',
  media_url    text,
  email        text,
  email_masked text,
  device_id    text,
  account_id   text,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX open311_request_token ON open311_request (api_token_id);

-- What the discovery document tells partners: whom to contact, how to get an api_key.
INSERT INTO setting (key, value) VALUES
  ('open311_discovery', '{"contact": "镇综合指挥室 / Town command center", "keyService": "api_key 由区县管理员用 `gongzhi token create --scope open311` 签发 / api_keys are issued by the county administrator"}');

-- The command center reads the Open311 configuration; changing it stays with county-level admins.
UPDATE role SET permissions = permissions || ARRAY['open311:config:read']
  WHERE builtin AND code = 'command_center';
