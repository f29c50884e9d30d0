import { z } from "zod";
import { isDateKey } from "./i18n";

/**
 * The environment, validated once at boot. Secrets and service addresses have
 * no defaults: a missing one stops the process with a message naming it.
 */
const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().url(),
  REDIS_URL: z.string().url(),
  /** smtp://host:port for nodemailer. */
  SMTP_URL: z.string().url(),
  MAIL_FROM: z.string().min(3),
  /** The public origin of the app (scheme://host:port). Mutations must come from it. */
  APP_ORIGIN: z.string().url(),
  /**
   * The key e-mailed one-time links (invitations, password resets, address
   * checks) are derived from. At least 32 characters; changing it voids every
   * link sent so far.
   */
  LINK_SECRET: z.string().min(32),
  /**
   * Single sign-on with the city's OpenID Connect provider: all of issuer,
   * client id, client secret and the claim carrying the employee number, or
   * none of them (then there is no single sign-on). OIDC_MATCH_EMAIL=true
   * links by e-mail when a token carries no employee number. People in the
   * units listed in OIDC_SSO_ONLY_UNITS (codes; their subtrees too) sign in
   * only through it and get no invitation or password.
   */
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_EMPLOYEE_NO_CLAIM: z.string().min(1).optional(),
  OIDC_MATCH_EMAIL: z.enum(["true", "false"]).optional(),
  OIDC_SSO_ONLY_UNITS: z.string().regex(/^[^,\s]+(,[^,\s]+)*$/).optional(),
  /** Sliding session lifetime in minutes, and the absolute cap in hours. */
  SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(60 * 8),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().positive().default(24),
  /** The name of the issuing academy as printed on certificates. */
  ACADEMY_NAME_KO: z.string().default("서울시 인권교육원"),
  ACADEMY_NAME_EN: z.string().default("Seoul Human Rights Academy"),
  /**
   * Whom people contact about their training: shown in every page's footer, on the help page and
   * at the end of every e-mail. The defaults are the demo's and say so; a city sets its own.
   */
  CONTACT_NAME_KO: z.string().trim().min(2).max(100).default("서울시 인권교육원 교육운영팀 (데모 연락처)"),
  CONTACT_NAME_EN: z.string().trim().min(2).max(100).default("Seoul Human Rights Academy, training office (demo contact)"),
  CONTACT_PHONE: z.string().trim().regex(/^\+?[0-9][0-9 ()-]{2,29}$/, "digits, spaces, parentheses and hyphens").default("02-0000-0000"),
  CONTACT_EMAIL: z.string().trim().email().default("hr-edu-help@seoul.example"),
  CERTIFICATE_PREFIX: z.string().regex(/^[A-Z]{2,8}$/).default("SHRA"),
  CERT_FONT_PATH: z.string().default("/usr/share/fonts/truetype/nanum/NanumGothic.ttf"),
  CERT_FONT_BOLD_PATH: z.string().default("/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf"),
  TIME_ZONE: z.string().default("Asia/Seoul"),
  /** Reminder policy: days before the deadline, weekly reminders after it (at most N), quiet hours. */
  REMINDER_DAYS_BEFORE: z.string().regex(/^\d+(,\d+)*$/).default("30,7,1"),
  REMINDER_WEEKLY_AFTER_MAX: z.coerce.number().int().min(0).default(4),
  /** Mail goes out only in this window (HH:MM-HH:MM) on these ISO weekdays (1 = Monday), Asia/Seoul. */
  SEND_WINDOW: z.string().regex(/^\d{2}:\d{2}-\d{2}:\d{2}$/).default("09:00-18:00"),
  SEND_WEEKDAYS: z.string().regex(/^[1-7](,[1-7])*$/).default("1,2,3,4,5"),
  /** The city's own days off (YYYY-MM-DD, comma-separated), added to the national public holidays. */
  EXTRA_HOLIDAYS: z
    .string()
    .default("")
    .transform((v) => v.split(",").map((d) => d.trim()).filter(Boolean))
    .refine((days) => days.every(isDateKey), "each day must be a real date written YYYY-MM-DD"),
  /**
   * The outbox reconciler (ADR 006), run with every tick: rows still PENDING this many seconds
   * after they were written get their delivery work re-created, and rows left SENDING this long
   * after their claim (a worker died mid-send) go back to PENDING. The second must stay well above
   * the longest SMTP call, or a slow send would be made twice. The fault tests (ADR 019) shorten
   * both so that a run does not wait a quarter of an hour.
   */
  OUTBOX_REQUEUE_AFTER_SECONDS: z.coerce.number().int().min(0).default(60),
  OUTBOX_RECLAIM_AFTER_SECONDS: z.coerce.number().int().min(1).default(15 * 60),
  /**
   * How old, in seconds, the counts /hr and /team show may be (ADR 036): older counts are shown at
   * once, with the moment they are as of, and refreshed behind the page. 0 counts afresh on every
   * read (the tests).
   */
  COMPLIANCE_COUNTS_MAX_AGE_SECONDS: z.coerce.number().int().min(0).default(60),
  /** Days after the deadline when the person's HR officers get an escalation digest. */
  ESCALATE_AFTER_DAYS: z.coerce.number().int().min(0).default(7),
  /** Days that must pass before an HR officer can remind the same person by hand again. */
  HR_REMINDER_MIN_DAYS: z.coerce.number().int().min(0).default(7),
  /** Days a person who joins an open cycle late has at least, from the day they are assigned. */
  LATE_JOINER_DAYS: z.coerce.number().int().min(0).default(30),
  /** Days report access records (views, downloads, declared purposes) are kept: two years. */
  ACCESS_LOG_RETENTION_DAYS: z.coerce.number().int().min(30).default(730),
  /**
   * Years after leaving when a person's name and address are removed from the roll and their
   * account (training records, certificates as issued and employee numbers stay). The city's
   * records policy sets it; 5 until it does.
   */
  LEAVER_DATA_RETENTION_YEARS: z.coerce.number().int().min(1).default(5),
  /**
   * A full personnel roll that would record more than this share (percent) of
   * the active people in the officer's units as left is applied only after
   * the officer types the number of leavers. 0 asks for every leaver.
   */
  IMPORT_LEAVER_CONFIRM_PERCENT: z.coerce.number().min(0).max(100).default(10),
});

const OIDC_REQUIRED = ["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_EMPLOYEE_NO_CLAIM"] as const;
const OIDC_ALL = [...OIDC_REQUIRED, "OIDC_MATCH_EMAIL", "OIDC_SSO_ONLY_UNITS"] as const;

/** Single sign-on is configured completely or not at all: half a configuration is an error, not a default. */
const validated = schema.superRefine((env, ctx) => {
  if (!OIDC_ALL.some((k) => env[k] !== undefined)) return;
  for (const key of OIDC_REQUIRED) {
    if (env[key] === undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: "required when single sign-on (OIDC_*) is configured" });
    }
  }
});

export type Env = z.infer<typeof schema>;

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  employeeNoClaim: string;
  matchEmail: boolean;
  ssoOnlyUnitCodes: string[];
}

/** The single sign-on settings, or null when the city has none configured. */
export function oidcSettings(env: Env = getEnv()): OidcSettings | null {
  if (!env.OIDC_ISSUER || !env.OIDC_CLIENT_ID || !env.OIDC_CLIENT_SECRET || !env.OIDC_EMPLOYEE_NO_CLAIM) return null;
  return {
    issuer: env.OIDC_ISSUER,
    clientId: env.OIDC_CLIENT_ID,
    clientSecret: env.OIDC_CLIENT_SECRET,
    employeeNoClaim: env.OIDC_EMPLOYEE_NO_CLAIM,
    matchEmail: env.OIDC_MATCH_EMAIL === "true",
    ssoOnlyUnitCodes: env.OIDC_SSO_ONLY_UNITS?.split(",") ?? [],
  };
}

let cached: Env | undefined;

export function getEnv(): Env {
  if (cached) return cached;
  const parsed = validated.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  cached = parsed.data;
  return cached;
}

/** Tests change the environment between suites. */
export function resetEnvCache() {
  cached = undefined;
}
