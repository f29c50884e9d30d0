import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { QuestionPage, type QuestionErrors, type QuestionView } from "~/components/question-form";
import { answerAction, questionViews } from "~/modules/learning/answers.server";
import { type AppLocale, formatMonthDayTime, pick } from "~/utils/i18n";
import { asHttp, requireLearner, rethrowAsHttp } from "~/modules/learning/guard.server";
import { getCourseForLearner, QuizRefusedError, startQuiz } from "~/modules/learning/learning.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, `평가 · ${data?.courseTitleKo}`, `Quiz · ${data?.courseTitleEn}`);

type Course = { assignmentId: string; courseTitleKo: string; courseTitleEn: string };
type LoaderData =
  | (Course & {
      state: "open";
      passMark: number;
      questions: QuestionView[];
      submissionKey: string;
      attempts: { remaining: number; perWindow: number; waitHours: number };
    })
  | (Course & { state: "closed"; reason: QuizRefusedError["reason"]; remainingMinutes: number | null; nextAt: string | null });

/**
 * The quiz: the learner's paper, drawn for this attempt. Refused (409, or 429 when this round's
 * attempts are used) with what stands in the way, and nothing recorded, while it is not open to them.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { personId } = await requireLearner(request, context);
  const assignmentId = params.assignmentId!;
  try {
    const q = await startQuiz(personId, assignmentId);
    return {
      state: "open",
      assignmentId,
      courseTitleKo: q.version.titleKo,
      courseTitleEn: q.version.titleEn,
      passMark: q.version.passMark,
      questions: questionViews(q.questions),
      submissionKey: q.paperId,
      attempts: { remaining: q.attempts.remaining, perWindow: q.attempts.perWindow, waitHours: q.attempts.waitHours },
    } satisfies LoaderData;
  } catch (e) {
    if (!(e instanceof QuizRefusedError)) return rethrowAsHttp(e);
    const c = await asHttp(() => getCourseForLearner(personId, assignmentId));
    const body: LoaderData = {
      state: "closed",
      assignmentId,
      courseTitleKo: c.version.titleKo,
      courseTitleEn: c.version.titleEn,
      reason: e.reason,
      remainingMinutes: e.detail.remainingMinutes ?? null,
      nextAt: e.detail.nextAt?.toISOString() ?? null,
    };
    return Response.json(body, { status: e.reason === "attempts" ? 429 : 409 });
  }
}

export function action({ request, params }: ActionFunctionArgs) {
  return answerAction(request, params.assignmentId!, "QUIZ");
}

export default function QuizPage() {
  const d = useLoaderData<LoaderData>();
  const errors = useActionData<QuestionErrors>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  if (d.state === "closed") {
    const message =
      d.reason === "lesson-time"
        ? t("quiz.refused.lessonTime", { count: d.remainingMinutes })
        : d.reason === "attempts"
          ? t("quiz.refused.attempts", { date: d.nextAt ? formatMonthDayTime(d.nextAt, locale) : "" })
          : t("quiz.refused.lessons");
    return (
      <>
        <p className="meta"><Link to={`/learn/${d.assignmentId}`}>{pick(locale, d.courseTitleKo, d.courseTitleEn)}</Link></p>
        <h1>{t("quiz.closedTitle")}</h1>
        <p className="notice" role="status">{message}</p>
        <p><Link className="button" to={`/learn/${d.assignmentId}`}>{t("course.backToCourse")}</Link></p>
      </>
    );
  }
  const intro = `${t("quiz.instructions")} ${t("course.quizIntro", { count: d.questions.length, mark: d.passMark })}`;
  return (
    <QuestionPage
      {...d}
      title={t("quiz.title")}
      intro={intro}
      errors={errors}
      note={`${t("quiz.attemptsLeft", { count: d.attempts.remaining })} · ${t("quiz.attemptsRule", { count: d.attempts.perWindow, hours: d.attempts.waitHours })}`}
    />
  );
}
