import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { QuestionPage, type QuestionErrors } from "~/components/question-form";
import { answerAction, newSubmissionKey, questionViews } from "~/modules/learning/answers.server";
import { asHttp, requireLearner } from "~/modules/learning/guard.server";
import { getQuizForLearner } from "~/modules/learning/learning.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, `평가 · ${data?.courseTitleKo}`, `Quiz · ${data?.courseTitleEn}`);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { personId } = await requireLearner(request);
  const q = await asHttp(() => getQuizForLearner(personId, params.assignmentId!));
  if (!q.path.complete) throw redirect(`/learn/${params.assignmentId}`);
  return {
    assignmentId: params.assignmentId!,
    courseTitleKo: q.version.titleKo,
    courseTitleEn: q.version.titleEn,
    passMark: q.version.passMark,
    questions: questionViews(q.questions),
    submissionKey: newSubmissionKey(),
  };
}

export function action({ request, params }: ActionFunctionArgs) {
  return answerAction(request, params.assignmentId!, "QUIZ");
}

export default function QuizPage() {
  const d = useLoaderData<typeof loader>();
  const errors = useActionData<QuestionErrors>();
  const { t } = useTranslation();
  const intro = `${t("quiz.instructions")} ${t("course.quizIntro", { count: d.questions.length, mark: d.passMark })}`;
  return <QuestionPage {...d} title={t("quiz.title")} intro={intro} errors={errors} />;
}
