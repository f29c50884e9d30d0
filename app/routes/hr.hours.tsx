import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { DownloadForm } from "~/components/download-form";
import { readViewPurpose } from "~/modules/audit/access.server";
import { requireRole } from "~/modules/auth/permissions.server";
import { now } from "~/utils/clock.server";
import { seoulYear } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "상시학습 인정시간", "Continuous-learning hours");

export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

/**
 * The recognised-hours file for the HR system: choose a year, then download it with its purpose.
 * The page shows no one's data, so it records no view; a purpose declared for this visit to the
 * reports (?access=) goes with the download, as on the other report pages.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "HR_OFFICER");
  const params = new URL(request.url).searchParams;
  const current = seoulYear(now());
  const years = Array.from({ length: 5 }, (_, i) => current - i);
  const asked = Number(params.get("year"));
  const year = years.includes(asked) ? asked : current;
  const purpose = await readViewPurpose(actor, params);
  return { years, year, accessId: purpose.accessId, purpose: purpose.purpose, purposeNote: purpose.note };
}

export default function Hours() {
  const d = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <>
      <h1>{t("hoursExport.title")}</h1>
      <p className="lead">{t("hoursExport.intro")}</p>
      <Form method="get" className="filters">
        {d.accessId ? <input type="hidden" name="access" value={d.accessId} /> : null}
        <div>
          <label htmlFor="year">{t("hoursExport.year")}</label>
          <select id="year" name="year" defaultValue={d.year}>
            {d.years.map((y) => (
              <option key={y} value={y}>{t("record.year", { year: y })}</option>
            ))}
          </select>
        </div>
        <div><button type="submit" className="secondary">{t("hoursExport.choose")}</button></div>
      </Form>
      <p>{t("hoursExport.file", { year: d.year, format: "CSV" })}</p>
      <DownloadForm
        report="hours"
        params={{ year: String(d.year) }}
        formats={["csv"]}
        declared={d.accessId ? { accessId: d.accessId, purpose: d.purpose, note: d.purposeNote } : undefined}
      />
    </>
  );
}
