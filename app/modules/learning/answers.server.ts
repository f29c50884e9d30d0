import { randomUUID } from "node:crypto";
import { redirect } from "@remix-run/node";
import { isUuid } from "~/utils/ids";
import type { QuestionView } from "~/components/question-form";
import { requestTranslator } from "~/utils/locale.server";
import { requireLearner, rethrowAsHttp } from "./guard.server";
import { InvalidSubmissionError, submitQuiz } from "./learning.server";

export type AnswerOutcome =
  | { ok: true; attemptId: string }
  | { ok: false; status: 400; body: { formError: string; answers: Record<string, string>; missing?: number[] } };

/**
 * Read `q:<key>` answers from a submitted form and grade them. Unknown
 * questions and unanswered ones are reported before anything is written.
 */
export async function answerQuestions(
  personId: string,
  assignmentId: string,
  form: FormData,
  set: "QUIZ" | "PRETEST",
  t: (key: string, vars?: Record<string, unknown>) => string,
): Promise<AnswerOutcome> {
  const answers: Record<string, string> = {};
  const submission = form.get("submission");
  const submissionKey = typeof submission === "string" && isUuid(submission) ? submission : null;
  if (submission !== null && submissionKey === null) return { ok: false, status: 400, body: { formError: t("quiz.invalid"), answers } };
  for (const [name, value] of form) {
    if (!name.startsWith("q:")) continue;
    if (typeof value !== "string") return { ok: false, status: 400, body: { formError: t("quiz.invalid"), answers } };
    answers[name.slice(2)] = value;
  }
  // Grading checks the submission against the quiz; what a person can fix comes back as a form error.
  try {
    const result = await submitQuiz(personId, assignmentId, answers, set, submissionKey);
    return { ok: true, attemptId: result.attemptId };
  } catch (e) {
    const detail = e instanceof InvalidSubmissionError ? e.detail : undefined;
    if (detail?.unknownQuestions) return { ok: false, status: 400, body: { formError: t("quiz.invalid"), answers } };
    if (detail?.unanswered) {
      const missing = detail.unanswered;
      return { ok: false, status: 400, body: { formError: t("quiz.unanswered", { list: missing.join(", ") }), answers, missing } };
    }
    return rethrowAsHttp(e);
  }
}

/** The key a quiz or pre-test form is handed out with, so that sending it twice records one attempt. */
export function newSubmissionKey(): string {
  return randomUUID();
}

/** What the question form shows: never the answer key. */
export function questionViews(questions: Array<{ key: string; promptKo: string; promptEn: string; options: unknown }>): QuestionView[] {
  return questions.map((x) => ({ key: x.key, promptKo: x.promptKo, promptEn: x.promptEn, options: x.options as QuestionView["options"] }));
}

/** The action of the quiz and pre-test pages: grade, or 400 with what is wrong; then the result page. */
export async function answerAction(request: Request, assignmentId: string, set: "QUIZ" | "PRETEST") {
  const { personId } = await requireLearner(request);
  const { t } = requestTranslator(request);
  const outcome = await answerQuestions(personId, assignmentId, await request.formData(), set, t);
  if (!outcome.ok) return Response.json(outcome.body, { status: outcome.status });
  return redirect(`/learn/${assignmentId}/quiz/${outcome.attemptId}`);
}
