import { randomInt } from "node:crypto";
import type { Prisma } from "~/generated/prisma/client";
import { prisma } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { TIME_ZONE } from "~/utils/i18n";
import type { Actor } from "~/modules/auth/permissions.server";
import { unitIsInScope } from "~/modules/org/org.server";
import { isUuid } from "~/utils/ids";
import { now } from "~/utils/clock.server";

// Crockford-style alphabet without look-alikes (0/O, 1/I/L, U).
const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A public verification code such as "K7QM-2XPD-9HTR" (about 59 bits). */
export function newVerificationCode(): string {
  let s = "";
  for (let i = 0; i < 12; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}

export function normalizeVerificationCode(input: string): string | null {
  const raw = input.toUpperCase().replace(/[^0-9A-Z]/g, "");
  if (raw.length !== 12 || [...raw].some((c) => !CODE_ALPHABET.includes(c))) return null;
  return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8)}`;
}

/** What a certificate names in place of an obligation for a course chosen from the catalog. */
const ELECTIVE = { ko: "인권교육원 선택 과정 (자율 수강)", en: "Human Rights Academy elective (voluntary)" } as const;

/**
 * Issue the certificate for a completed assignment, inside the caller's
 * transaction. What it states is copied from the records at this moment:
 * the course's recognised hours and the holder's unit included, so a later
 * change to either leaves what was certified as it was.
 */
export async function issueCertificate(tx: Prisma.TransactionClient, assignmentId: string): Promise<string> {
  const [id] = await issueCertificates(tx, [assignmentId]);
  if (!id) throw new Error(`assignment ${assignmentId} is not completed`);
  return id;
}

/**
 * The certificates of many completed assignments in one statement (a class's attendees), each
 * with its own serial, number and verification code. An assignment that already has one, or is not
 * completed on a course version, is skipped. Returns the ids issued.
 */
export async function issueCertificates(tx: Prisma.TransactionClient, assignmentIds: string[]): Promise<string[]> {
  if (assignmentIds.length === 0) return [];
  const prefix = getEnv().CERTIFICATE_PREFIX;
  const codes = assignmentIds.map(() => newVerificationCode());
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    WITH wanted AS (
      SELECT t.id, t.code FROM unnest(${assignmentIds}::uuid[], ${codes}::text[]) AS t(id, code)
      JOIN assignment a ON a.id = t.id
      WHERE a.status = 'COMPLETED' AND a.course_version_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM certificate x WHERE x.assignment_id = t.id)
    ),
    s AS MATERIALIZED (SELECT w.id, w.code, nextval(pg_get_serial_sequence('certificate', 'serial')) AS serial FROM wanted w)
    INSERT INTO certificate (serial, number, verification_code, assignment_id, person_id, course_version_id,
      holder_name, course_title_ko, course_title_en, obligation_title_ko, obligation_title_en, cycle_label, recognised_hours,
      unit_code, unit_name_ko, unit_name_en, completed_at, issued_at)
    SELECT s.serial,
           ${prefix} || '-' || to_char(a.completed_at AT TIME ZONE ${TIME_ZONE}, 'YYYY') || '-' || lpad(s.serial::text, 6, '0'),
           s.code, a.id, a.person_id, a.course_version_id, p.name, v.title_ko, v.title_en,
           COALESCE(o.title_ko, ${ELECTIVE.ko}), COALESCE(o.title_en, ${ELECTIVE.en}),
           COALESCE(c.label, to_char(a.completed_at AT TIME ZONE ${TIME_ZONE}, 'YYYY')), v.recognised_hours,
           u.code, u.name_ko, u.name_en, a.completed_at, ${now()}::timestamptz
    FROM s
    JOIN assignment a ON a.id = s.id
    JOIN person p ON p.id = a.person_id
    JOIN course_version v ON v.id = a.course_version_id
    LEFT JOIN org_unit u ON u.id = p.org_unit_id
    LEFT JOIN cycle c ON c.id = a.cycle_id
    LEFT JOIN obligation o ON o.id = c.obligation_id
    ON CONFLICT (assignment_id) DO NOTHING
    RETURNING id`;
  return rows.map((r) => r.id);
}

/**
 * A certificate the actor may see: their own, or one of a person in an HR
 * officer's scope. Anything else is null (shown as not found).
 */
export async function getCertificateForActor(actor: Actor, certificateId: string) {
  if (!isUuid(certificateId)) return null;
  const cert = await prisma.certificate.findUnique({
    where: { id: certificateId },
    include: { person: { select: { orgUnitId: true } } },
  });
  if (!cert) return null;
  if (actor.user.personId && cert.personId === actor.user.personId) return cert;
  if (actor.roles.has("SYSTEM_ADMIN") || actor.roles.has("ACADEMY_ADMIN")) return cert;
  if (cert.person.orgUnitId && (await unitIsInScope(actor.hrScopeUnitIds, cert.person.orgUnitId))) return cert;
  return null;
}

/** Mask a name for the public page: 홍길동 → 홍*동, Jane Doe → J*** D**. */
export function maskName(name: string): string {
  const trimmed = name.trim();
  if (/^[\p{Script=Hangul}]+$/u.test(trimmed)) {
    if (trimmed.length <= 2) return `${trimmed[0]}*`;
    return `${trimmed[0]}${"*".repeat(trimmed.length - 2)}${trimmed[trimmed.length - 1]}`;
  }
  return trimmed
    .split(/\s+/)
    .map((w) => `${w[0]}${"*".repeat(Math.max(1, w.length - 1))}`)
    .join(" ");
}

export async function verifyCertificate(code: string) {
  const normalized = normalizeVerificationCode(code);
  if (!normalized) return null;
  const cert = await prisma.certificate.findUnique({
    where: { verificationCode: normalized },
    select: {
      number: true,
      verificationCode: true,
      holderName: true,
      courseTitleKo: true,
      courseTitleEn: true,
      obligationTitleKo: true,
      obligationTitleEn: true,
      cycleLabel: true,
      recognisedHours: true,
      completedAt: true,
      issuedAt: true,
      status: true,
      statusChangedAt: true,
    },
  });
  if (!cert) return null;
  return { ...cert, holderName: maskName(cert.holderName) };
}
