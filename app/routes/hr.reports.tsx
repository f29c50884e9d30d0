import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { requireRole } from "~/modules/auth/permissions.server";
import { getSubscription, setSubscription } from "~/modules/reporting/scheduled.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "정기 보고 받기", "Scheduled reports");

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "HR_OFFICER");
  const sub = await getSubscription(actor.userId);
  return { frequency: sub?.frequency ?? "NONE", format: sub?.format ?? "XLSX" };
}

const Schema = z.object({ frequency: z.enum(["NONE", "WEEKLY", "MONTHLY"]), format: z.enum(["CSV", "XLSX"]) });

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireRole(request, "HR_OFFICER");
  const parsed = Schema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return Response.json({ ok: false }, { status: 400 });
  await setSubscription(actor.userId, parsed.data);
  return { ok: true };
}

export default function Reports() {
  const d = useLoaderData<typeof loader>();
  const saved = useActionData<{ ok: boolean }>();
  const { t } = useTranslation();
  return (
    <>
      <h1>{t("reports.title")}</h1>
      <p className="lead">{t("reports.intro")}</p>
      {saved?.ok ? <p className="success" role="status">{t("reports.saved")}</p> : null}
      <Form method="post" className="stack">
        <fieldset className="question">
          <legend>{t("reports.frequency")}</legend>
          {(["NONE", "WEEKLY", "MONTHLY"] as const).map((f) => (
            <label key={f} className="option">
              <input type="radio" name="frequency" value={f} defaultChecked={d.frequency === f} />
              <span>{t(`reports.${f}`)}</span>
            </label>
          ))}
        </fieldset>
        <fieldset className="question">
          <legend>{t("reports.format")}</legend>
          {(["XLSX", "CSV"] as const).map((f) => (
            <label key={f} className="option">
              <input type="radio" name="format" value={f} defaultChecked={d.format === f} />
              <span>{f}</span>
            </label>
          ))}
        </fieldset>
        <div><button type="submit" className="primary">{t("reports.save")}</button></div>
      </Form>
    </>
  );
}
