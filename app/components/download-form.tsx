import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Purpose } from "~/modules/audit/purpose";
import { PurposeFields } from "./purpose-fields";

/**
 * The download buttons of a report page, with the purpose they need. A real
 * form post to /hr/download, which records the purpose and sends the file; a
 * refused download comes back as that page with the form and the reason.
 */
export function DownloadForm({
  report,
  params,
  formats,
  note,
  declared,
}: {
  report: "compliance" | "oversight" | "hours";
  params: Record<string, string>;
  formats: Array<"csv" | "xlsx" | "pdf">;
  /** What the file will hold, when it is not simply the page as it stands now. */
  note?: string;
  /** The purpose the reader declared for this visit: the files go with it, without asking again. */
  declared?: { accessId: string; purpose: Purpose; note: string | null };
}) {
  const { t } = useTranslation();
  return (
    <section className="panel download no-print" aria-labelledby="download-title">
      <h2 id="download-title">{t("download.section")}</h2>
      {declared ? null : <p className="meta">{t("download.sectionHint")}</p>}
      {note ? <p className="meta">{note}</p> : null}
      <Form method="post" action="/hr/download" reloadDocument className="form-grid">
        <input type="hidden" name="report" value={report} />
        {Object.entries(params).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        {declared ? (
          <p className="download-purpose">
            <input type="hidden" name="access" value={declared.accessId} />
            {t("download.declared", { purpose: t(`purpose.option.${declared.purpose}`) })}
            {declared.note ? ` (${declared.note})` : ""}
          </p>
        ) : (
          <PurposeFields idPrefix="download" mode="download" />
        )}
        <div className="form-actions">
          {formats.map((f) => (
            <button key={f} type="submit" name="format" value={f} className="button secondary">{t(`download.${f}`)}</button>
          ))}
        </div>
      </Form>
    </section>
  );
}
