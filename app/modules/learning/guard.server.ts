import { json } from "@remix-run/node";
import { requireSession } from "~/modules/auth/session.server";
import { prisma } from "~/utils/db.server";
import { isUuid } from "~/utils/ids";
import { InvalidSubmissionError, NotFoundError, QuizRefusedError } from "./learning.server";

/** The learner's person id, or 403 for an account with no personnel record. */
export async function requireLearner(request: Request, context?: unknown): Promise<{ personId: string; userId: string; locale: string }> {
  const current = await requireSession(request, context);
  if (!current.user.personId) throw json({ error: "forbidden" }, { status: 403 });
  return { personId: current.user.personId, userId: current.userId, locale: current.user.locale };
}

/**
 * The learner, for an action on one of their own assignments: anyone else's,
 * or one that does not exist, is a 404 before the form is read.
 */
export async function requireOwnAssignment(request: Request, assignmentId: string | undefined): Promise<{ personId: string; userId: string }> {
  const learner = await requireLearner(request);
  const own = assignmentId && isUuid(assignmentId)
    ? await prisma.assignment.findFirst({ where: { id: assignmentId, personId: learner.personId }, select: { id: true } })
    : null;
  if (!own) throw json({ error: "not-found" }, { status: 404 });
  return learner;
}

/** Map domain errors to 404/400/409/429 responses; anything else propagates. */
export async function asHttp<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    return rethrowAsHttp(e);
  }
}

export function rethrowAsHttp(e: unknown): never {
  if (e instanceof NotFoundError) throw json({ error: "not-found" }, { status: 404 });
  if (e instanceof InvalidSubmissionError) throw json({ error: "bad-request", message: e.message }, { status: 400 });
  if (e instanceof QuizRefusedError) {
    throw json({ error: "quiz-refused", reason: e.reason, ...e.detail }, { status: e.reason === "attempts" ? 429 : 409 });
  }
  throw e;
}
