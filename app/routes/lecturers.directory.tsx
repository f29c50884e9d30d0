import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { directory } from "~/modules/lecturers/directory.server";
import { DISTRICTS, LECTURER_FIELDS, LECTURER_LANGUAGES } from "~/modules/lecturers/codes";
import { pick, type AppLocale } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "시민인권강사 명단", "Citizen human rights lecturers");

/** Public: published profiles of lecturers in term, with only what they chose to publish. */
export async function loader({ request }: LoaderFunctionArgs) {
  const search = new URL(request.url).searchParams;
  const filter = { field: search.get("field"), district: search.get("district"), language: search.get("language") };
  return { filter, lecturers: await directory(filter) };
}

export default function LecturerDirectory() {
  const { filter, lecturers } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const d = (k: string) => t(`lecturerPracticum.directory.${k}`);
  const select = (name: "field" | "district" | "language", codes: readonly string[], label: (c: string) => string) => (
    <div>
      <label htmlFor={`filter-${name}`}>{d(name)}</label>
      <select id={`filter-${name}`} name={name} defaultValue={filter[name] ?? ""}>
        <option value="">{d("any")}</option>
        {codes.map((c) => <option key={c} value={c}>{label(c)}</option>)}
      </select>
    </div>
  );
  return (
    <>
      <h1>{d("title")}</h1>
      <p className="lead">{d("intro")}</p>
      <Form method="get" className="panel" aria-label={d("filters")}>
        <div className="form-grid">
          {select("field", LECTURER_FIELDS, (c) => t(`lecturerPracticum.field.${c}`))}
          {select("district", DISTRICTS, (c) => t(`offerings.district.${c}`))}
          {select("language", LECTURER_LANGUAGES, (c) => t(`lecturerPracticum.language.${c}`))}
        </div>
        <p><button type="submit" className="secondary">{d("apply")}</button></p>
      </Form>
      <p role="status">{t("lecturerPracticum.directory.count", { count: lecturers.length })}</p>
      {lecturers.length === 0 ? <p className="panel">{d("none")}</p> : (
        <ul className="cards">
          {lecturers.map((l) => {
            const bio = pick(locale, l.bioKo, l.bioEn) || l.bioKo || l.bioEn;
            return (
              <li key={l.id} className="panel">
                <h2>{l.publicName}</h2>
                {bio ? <p>{bio}</p> : null}
                <dl className="facts">
                  <dt>{d("fields")}</dt><dd>{l.fields.map((c) => t(`lecturerPracticum.field.${c}`)).join(", ")}</dd>
                  {l.districts.length ? <><dt>{d("districts")}</dt><dd>{l.districts.map((c) => t(`offerings.district.${c}`)).join(", ")}</dd></> : null}
                  <dt>{d("languages")}</dt><dd>{l.languages.map((c) => t(`lecturerPracticum.language.${c}`)).join(", ")}</dd>
                  {l.accessibility.length ? <><dt>{d("accessibility")}</dt><dd>{l.accessibility.map((c) => t(`offerings.accessibility.${c}`)).join(", ")}</dd></> : null}
                </dl>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
