import { redirect } from "@remix-run/node";
import { isUuid } from "~/utils/ids";
import type { QuestionView } from "~/components/question-form";
import { requestTranslator } from "~/utils/locale.server";
import { formatMonthDayTime, type AppLocale } from "~/utils/i18n";
import { requireOwnAssignment, rethrowAsHttp } from "./guard.server";
import { InvalidSubmissionError, QuizRefusedError, submitQuiz } from "./learning.server";

type Translate = (key: string, vars?: Record<string, unknown>) => string;

export type AnswerOutcome =
  | { ok: true; attemptId: string }
  | { ok: false; status: 400 | 409 | 429; body: { formError: string; answers: Record<string, string>; missing?: number[] } };

/** What to tell a learner the quiz is refused for, and the status it is refused with. */
export function refusalMessage(e: QuizRefusedError, t: Translate, locale: AppLocale): { status: 409 | 429; message: string } {
  switch (e.reason) {
    case "lessons":
      return { status: 409, message: t("quiz.refused.lessons") };
    case "lesson-time":
      return { status: 409, message: t("quiz.refused.lessonTime", { count: e.detail.remainingMinutes }) };
    case "attempts":
      return { status: 429, message: t("quiz.refused.attempts", { date: e.detail.nextAt ? formatMonthDayTime(e.detail.nextAt, locale) : "" }) };
    case "pretest-taken":
      return { status: 409, message: t("quiz.refused.pretestTaken") };
  }
}

/**
 * Read `q:<key>` answers from a submitted form and grade them against the paper its `submission`
 * key names. Unknown questions and unanswered ones are reported, and a quiz the learner may not
 * take now is refused, before anything is written.
 */
export async function answerQuestions(
  personId: string,
  assignmentId: string,
  form: FormData,
  set: "QUIZ" | "PRETEST",
  t: Translate,
  locale: AppLocale = "ko",
): Promise<AnswerOutcome> {
  const answers: Record<string, string> = {};
  const submission = form.get("submission");
  if (typeof submission !== "string" || !isUuid(submission)) return { ok: false, status: 400, body: { formError: t("quiz.invalid"), answers } };
  for (const [name, value] of form) {
    if (!name.startsWith("q:")) continue;
    if (typeof value !== "string") return { ok: false, status: 400, body: { formError: t("quiz.invalid"), answers } };
    answers[name.slice(2)] = value;
  }
  // Grading checks the submission against the paper; what a person can fix comes back as a form error.
  try {
    const result = await submitQuiz(personId, assignmentId, answers, set, submission);
    return { ok: true, attemptId: result.attemptId };
  } catch (e) {
    if (e instanceof QuizRefusedError) {
      const { status, message } = refusalMessage(e, t, locale);
      return { ok: false, status, body: { formError: message, answers } };
    }
    const detail = e instanceof InvalidSubmissionError ? e.detail : undefined;
    if (detail?.unknownQuestions || detail?.unknownPaper) return { ok: false, status: 400, body: { formError: t("quiz.invalid"), answers } };
    if (detail?.unanswered) {
      const missing = detail.unanswered;
      return { ok: false, status: 400, body: { formError: t("quiz.unanswered", { list: missing.join(", ") }), answers, missing } };
    }
    return rethrowAsHttp(e);
  }
}

/** What the question form shows, in the paper's order: never the answer key. */
export function questionViews(questions: Array<{ key: string; promptKo: string; promptEn: string; options: unknown }>): QuestionView[] {
  return questions.map((x) => ({ key: x.key, promptKo: x.promptKo, promptEn: x.promptEn, options: x.options as QuestionView["options"] }));
}

/** The action of the quiz and pre-test pages: grade, or 4xx with what is wrong; then the result page. */
export async function answerAction(request: Request, assignmentId: string, set: "QUIZ" | "PRETEST") {
  const { personId } = await requireOwnAssignment(request, assignmentId);
  const { t, locale } = requestTranslator(request);
  const outcome = await answerQuestions(personId, assignmentId, await request.formData(), set, t, locale);
  if (!outcome.ok) return Response.json(outcome.body, { status: outcome.status });
  return redirect(`/learn/${assignmentId}/quiz/${outcome.attemptId}`);
}
