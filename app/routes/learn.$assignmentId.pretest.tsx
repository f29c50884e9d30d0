import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { QuestionPage, type QuestionErrors } from "~/components/question-form";
import { answerAction, questionViews } from "~/modules/learning/answers.server";
import { requireLearner, rethrowAsHttp } from "~/modules/learning/guard.server";
import { QuizRefusedError, startQuiz } from "~/modules/learning/learning.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, `사전 점검 · ${data?.courseTitleKo}`, `Pre-test · ${data?.courseTitleEn}`);

/** The ungraded pre-test: what the learner knows before the course, to measure what it taught. Taken once. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { personId } = await requireLearner(request, context);
  const q = await startQuiz(personId, params.assignmentId!, "PRETEST").catch((e: unknown) => {
    if (e instanceof QuizRefusedError) throw redirect(`/learn/${params.assignmentId}`);
    return rethrowAsHttp(e);
  });
  return {
    assignmentId: params.assignmentId!,
    courseTitleKo: q.version.titleKo,
    courseTitleEn: q.version.titleEn,
    firstLesson: q.resumeLesson?.slug ?? null,
    questions: questionViews(q.questions),
    submissionKey: q.paperId,
  };
}

export function action({ request, params }: ActionFunctionArgs) {
  return answerAction(request, params.assignmentId!, "PRETEST");
}

export default function PretestPage() {
  const d = useLoaderData<typeof loader>();
  const errors = useActionData<QuestionErrors>();
  const { t } = useTranslation();
  return (
    <QuestionPage {...d} title={t("pretest.title")} intro={t("pretest.intro", { count: d.questions.length })} errors={errors}>
      {d.firstLesson ? (
        <p><Link to={`/learn/${d.assignmentId}/lessons/${d.firstLesson}`}>{t("pretest.skip")}</Link></p>
      ) : null}
    </QuestionPage>
  );
}
