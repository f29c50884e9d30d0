import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireRole } from "~/modules/auth/permissions.server";
import { listNotices, noticeInputFromForm, postNotice, withdrawNotice, type NoticeField, type NoticeInput } from "~/modules/notices/notices.server";
import { listStaffCategories } from "~/modules/org/staff-categories.server";
import { staffCategoryName } from "~/modules/org/staff-category-names";
import { formatDate, pick, seoulDateKey, type AppLocale } from "~/utils/i18n";
import { requestTranslator } from "~/utils/locale.server";
import { now } from "~/utils/clock.server";
import { pageTitle } from "~/utils/meta";
import { FormAlert } from "~/components/form-alert";
import { TextAreaField, TextField } from "~/components/text-field";
import { TableRegion } from "~/components/table-region";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "공지 관리", "Notices");

const INTENT = { post: "post", withdraw: "withdraw" } as const;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "ACADEMY_ADMIN", "SYSTEM_ADMIN");
  const done = new URL(request.url).searchParams.get("done");
  const categories = await listStaffCategories();
  return {
    notices: await listNotices(),
    categories: categories.map((c) => c.code),
    categoryNames: Object.fromEntries(categories.map((c) => [c.code, { ko: c.nameKo, en: c.nameEn }])),
    today: seoulDateKey(now()),
    done: done === "posted" || done === "withdrawn" ? done : null,
  };
}

type ActionData = { formError: string; fieldErrors?: Partial<Record<NoticeField, string>>; values?: NoticeInput };

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireRole(request, "ACADEMY_ADMIN", "SYSTEM_ADMIN");
  const { t } = requestTranslator(request, actor.user.locale);
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent === INTENT.withdraw) {
    if (!(await withdrawNotice(actor.userId, String(form.get("noticeId") ?? "")))) {
      return Response.json({ formError: t("notices.error.notFound") } satisfies ActionData, { status: 404 });
    }
    return redirect("/academy/notices?done=withdrawn");
  }
  if (intent !== INTENT.post) return Response.json({ formError: t("notices.error.invalid") } satisfies ActionData, { status: 400 });
  const values = noticeInputFromForm(form);
  const result = await postNotice(actor.userId, values);
  if (!result.ok) {
    const fieldErrors = Object.fromEntries(Object.entries(result.errors).map(([f, code]) => [f, t(`notices.error.${code}`)]));
    return Response.json({ formError: t("notices.errorSummary"), fieldErrors, values } satisfies ActionData, { status: 400 });
  }
  return redirect("/academy/notices?done=posted");
}

export default function AcademyNotices() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const busy = useNavigation().state === "submitting";
  const err = (f: NoticeField) => result?.fieldErrors?.[f];
  const v = result?.values;
  return (
    <>
      <h1>{t("notices.title")}</h1>
      <p className="lead">{t("notices.intro")}</p>
      {d.done ? <p className="success" role="status">{t(`notices.${d.done}`)}</p> : null}
      <FormAlert result={result} />

      <h2 id="notice-new">{t("notices.newHeading")}</h2>
      <Form method="post" className="stack notice-form" aria-labelledby="notice-new" noValidate>
        <input type="hidden" name="intent" value={INTENT.post} />
        <TextField name="titleKo" label={t("notices.fields.titleKo")} error={err("titleKo")} defaultValue={v?.titleKo} maxLength={200} required lang="ko" />
        <TextField name="titleEn" label={t("notices.fields.titleEn")} error={err("titleEn")} defaultValue={v?.titleEn} maxLength={200} required lang="en" />
        <TextAreaField name="bodyKo" label={t("notices.fields.bodyKo")} hint={t("notices.fields.bodyHint")} error={err("bodyKo")} defaultValue={v?.bodyKo} maxLength={4000} rows={5} required lang="ko" />
        <TextAreaField name="bodyEn" label={t("notices.fields.bodyEn")} error={err("bodyEn")} defaultValue={v?.bodyEn} maxLength={4000} rows={5} required lang="en" />
        <fieldset className="choices" aria-describedby={err("audience") ? "audience-error" : undefined}>
          <legend>{t("notices.fields.audience")}</legend>
          {err("audience") ? <p id="audience-error" className="field-error">{err("audience")}</p> : null}
          {(["ALL", "CATEGORIES"] as const).map((a) => (
            <label key={a} className="option">
              <input type="radio" name="audience" value={a} defaultChecked={(v?.audience ?? "ALL") === a} />
              <span>{t(`notices.fields.${a}`)}</span>
            </label>
          ))}
        </fieldset>
        <fieldset className="choices" aria-describedby={err("staffCategories") ? "staffCategories-error" : undefined}>
          <legend>{t("notices.fields.staffCategories")}</legend>
          {err("staffCategories") ? <p id="staffCategories-error" className="field-error">{err("staffCategories")}</p> : null}
          {d.categories.map((c) => (
            <label key={c} className="option">
              <input type="checkbox" name="staffCategories" value={c} defaultChecked={v?.staffCategories?.includes(c)} />
              <span>{staffCategoryName(d.categoryNames, c, locale)}</span>
            </label>
          ))}
        </fieldset>
        <TextField name="showFrom" type="date" label={t("notices.fields.showFrom")} hint={t("notices.fields.datesHint")} error={err("showFrom")} defaultValue={v?.showFrom ?? d.today} required />
        <TextField name="showUntil" type="date" label={t("notices.fields.showUntil")} error={err("showUntil")} defaultValue={v?.showUntil} required />
        <div><button type="submit" className="primary" disabled={busy}>{t("notices.submit")}</button></div>
      </Form>

      <h2>{t("notices.listHeading")}</h2>
      {d.notices.length === 0 ? <p className="panel">{t("notices.none")}</p> : (
        <TableRegion labelledBy="notices-caption">
          <table>
            <caption id="notices-caption">{t("notices.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("notices.notice")}</th>
                <th scope="col">{t("notices.audienceCol")}</th>
                <th scope="col">{t("notices.period")}</th>
                <th scope="col">{t("notices.state")}</th>
                <th scope="col" className="num">{t("notices.reads")}</th>
                <th scope="col">{t("notices.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {d.notices.map((n) => {
                const title = pick(locale, n.titleKo, n.titleEn);
                return (
                  <tr key={n.id}>
                    <th scope="row">{title}</th>
                    <td>{n.staffCategories.length === 0 ? t("notices.everyone") : n.staffCategories.map((c) => staffCategoryName(d.categoryNames, c, locale)).join(", ")}</td>
                    <td>{t("notices.periodValue", { from: formatDate(n.showFrom, locale), until: formatDate(n.showUntil, locale) })}</td>
                    <td>{t(`notices.states.${n.state}`)}</td>
                    <td className="num">{n.reads}</td>
                    <td>
                      {n.state === "withdrawn" || n.state === "ended" ? "—" : (
                        <Form method="post" className="inline">
                          <input type="hidden" name="intent" value={INTENT.withdraw} />
                          <input type="hidden" name="noticeId" value={n.id} />
                          <button type="submit" className="secondary" aria-label={t("notices.withdrawLabel", { title })} disabled={busy}>{t("notices.withdraw")}</button>
                        </Form>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableRegion>
      )}
    </>
  );
}
