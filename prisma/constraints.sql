-- What prisma/schema.prisma cannot express. Each statement here is also in the migration that
-- introduced it; scripts/check-migrations.sh applies this file after the SQL generated from the
-- schema and compares the result with what the migrations produce.

-- An HR officer sees the subtree of their grant's unit: a grant without a unit has no scope, and
-- must not exist at all (a scope read as "everything" would be city-wide).
ALTER TABLE "role_grant" ADD CONSTRAINT "role_grant_hr_officer_has_unit"
  CHECK ("role" <> 'HR_OFFICER' OR "org_unit_id" IS NOT NULL);

-- One account per address, whatever its case.
CREATE UNIQUE INDEX "app_user_email_lower_key" ON "app_user" (lower("email"));

-- The audit log is append-only: no row of audit_event or audit_seal is changed or removed, except
-- audit_event rows removed by the retention job, which says so for its transaction
-- (SET LOCAL hredu.audit_retention = 'on'). The hash chain (audit_seal) shows any change made
-- around these triggers.
CREATE FUNCTION "audit_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'audit_event' AND current_setting('hredu.audit_retention', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER "audit_event_append_only" BEFORE UPDATE OR DELETE ON "audit_event" FOR EACH ROW EXECUTE FUNCTION "audit_append_only"();
CREATE TRIGGER "audit_event_no_truncate" BEFORE TRUNCATE ON "audit_event" FOR EACH STATEMENT EXECUTE FUNCTION "audit_append_only"();
CREATE TRIGGER "audit_seal_append_only" BEFORE UPDATE OR DELETE ON "audit_seal" FOR EACH ROW EXECUTE FUNCTION "audit_append_only"();
CREATE TRIGGER "audit_seal_no_truncate" BEFORE TRUNCATE ON "audit_seal" FOR EACH STATEMENT EXECUTE FUNCTION "audit_append_only"();

-- An event's digest: SHA-256 over its fields, separated by the unit separator, the time in UTC to
-- the millisecond and the data in jsonb's own normal form.
CREATE FUNCTION "audit_event_digest"(e "audit_event") RETURNS bytea LANGUAGE sql STABLE AS $$
  SELECT sha256(convert_to(concat_ws(chr(31),
    e.id::text,
    to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS'),
    coalesce(e.actor_user_id::text, ''),
    e.action,
    e.entity_type,
    coalesce(e.entity_id, ''),
    coalesce(e.reason, ''),
    coalesce(e.data::text, '')), 'UTF8'))
$$;

-- Seal the committed events not yet in the chain, oldest id first, at most max_events of them,
-- looking back look_back ids from the newest sealed one (NULL: all). Events are chained in the
-- order they are sealed, not by id, so an event that committed late (a long import) joins the
-- chain when it becomes visible. One sealer at a time.
CREATE FUNCTION "audit_seal_pending"(max_events integer, look_back bigint) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  head_seq bigint;
  head_hash bytea;
  newest bigint;
  e "audit_event";
  d bytea;
  n integer := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('audit_seal'));
  SELECT seq, hash INTO head_seq, head_hash FROM "audit_seal" ORDER BY seq DESC LIMIT 1;
  IF head_seq IS NULL THEN
    head_seq := 0;
    head_hash := sha256(convert_to('audit chain', 'UTF8'));
  END IF;
  SELECT max(event_id) INTO newest FROM "audit_seal";
  FOR e IN
    SELECT ev.* FROM "audit_event" ev
    WHERE (look_back IS NULL OR newest IS NULL OR ev.id > newest - look_back)
      AND NOT EXISTS (SELECT 1 FROM "audit_seal" s WHERE s.event_id = ev.id)
    ORDER BY ev.id
    LIMIT max_events
  LOOP
    d := "audit_event_digest"(e);
    head_seq := head_seq + 1;
    head_hash := sha256(head_hash || d);
    INSERT INTO "audit_seal" (seq, event_id, action, event_created_at, digest, hash)
    VALUES (head_seq, e.id, e.action, e.created_at, d, head_hash);
    n := n + 1;
  END LOOP;
  RETURN n;
END $$;

-- A version never ends before it starts.
ALTER TABLE "org_unit_version" ADD CONSTRAINT "org_unit_version_span"
  CHECK ("valid_to" IS NULL OR "valid_to" >= "valid_from");

-- One open version per unit: the one org_unit mirrors.
CREATE UNIQUE INDEX "org_unit_version_open_key" ON "org_unit_version" ("unit_id") WHERE "valid_to" IS NULL;

-- Units changed outside a unit file (the seed, a fix in SQL) keep their open version in step with
-- org_unit: a unit added that way has always been there, a change to it corrects the open version
-- in place. A unit file writes its own versions and says so for its transaction
-- (SET LOCAL hredu.unit_file = 'on'). Statement triggers: one set-based statement however many rows.
CREATE FUNCTION "org_unit_versions_follow"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('hredu.unit_file', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "org_unit_version" ("unit_id", "parent_id", "name_ko", "name_en", "kind", "valid_from")
    SELECT n."id", n."parent_id", n."name_ko", n."name_en", n."kind", TIMESTAMPTZ '1900-01-01 00:00:00+09' FROM "new_units" n;
  ELSE
    UPDATE "org_unit_version" v SET "parent_id" = n."parent_id", "name_ko" = n."name_ko", "name_en" = n."name_en", "kind" = n."kind"
    FROM "new_units" n
    WHERE v."unit_id" = n."id" AND v."valid_to" IS NULL
      AND (v."parent_id", v."name_ko", v."name_en", v."kind") IS DISTINCT FROM (n."parent_id", n."name_ko", n."name_en", n."kind");
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "org_unit_versions_insert" AFTER INSERT ON "org_unit"
  REFERENCING NEW TABLE AS "new_units" FOR EACH STATEMENT EXECUTE FUNCTION "org_unit_versions_follow"();
CREATE TRIGGER "org_unit_versions_update" AFTER UPDATE ON "org_unit"
  REFERENCING NEW TABLE AS "new_units" FOR EACH STATEMENT EXECUTE FUNCTION "org_unit_versions_follow"();

-- A route's grades: both or neither, from the higher grade (smaller number) to the lower, 1 to 9.
ALTER TABLE "obligation_route" ADD CONSTRAINT "obligation_route_grades"
  CHECK ((grade_from IS NULL AND grade_to IS NULL) OR (grade_from BETWEEN 1 AND 9 AND grade_to BETWEEN grade_from AND 9));
