import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";

/** The academy's year choice (`?year=`) for its reports of classes: the years that have some, and a button to show one. */
export function YearFilter({ year, years }: { year: number; years: number[] }) {
  const { t } = useTranslation();
  return (
    <Form method="get" className="filters">
      <div>
        <label htmlFor="year">{t("offerings.year.year")}</label>
        <select id="year" name="year" defaultValue={year}>
          {years.map((v) => <option key={v} value={v}>{t("offerings.year.yearValue", { year: v })}</option>)}
        </select>
      </div>
      <div><button type="submit" className="secondary">{t("offerings.year.show")}</button></div>
    </Form>
  );
}
