import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { QuestionPage, type QuestionErrors } from "~/components/question-form";
import { answerAction, newSubmissionKey, questionViews } from "~/modules/learning/answers.server";
import { asHttp, requireLearner } from "~/modules/learning/guard.server";
import { getQuizForLearner } from "~/modules/learning/learning.server";
import { notFound } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, `사전 점검 · ${data?.courseTitleKo}`, `Pre-test · ${data?.courseTitleEn}`);

/** The ungraded pre-test: what the learner knows before the course, to measure what it taught. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { personId } = await requireLearner(request);
  const q = await asHttp(() => getQuizForLearner(personId, params.assignmentId!, "PRETEST"));
  if (q.questions.length === 0) notFound();
  if (q.pretestTaken) throw redirect(`/learn/${params.assignmentId}`);
  return {
    assignmentId: params.assignmentId!,
    courseTitleKo: q.version.titleKo,
    courseTitleEn: q.version.titleEn,
    firstLesson: q.resumeLesson?.slug ?? null,
    questions: questionViews(q.questions),
    submissionKey: newSubmissionKey(),
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
