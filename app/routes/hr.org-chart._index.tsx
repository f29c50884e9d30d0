import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireRole } from "~/modules/auth/permissions.server";
import { readAsOf } from "~/modules/compliance/guard.server";
import { chartTree, type ChartUnit } from "~/modules/org/chart.server";
import { mayLoadChart } from "~/modules/org/chart-file.server";
import { plainText } from "~/utils/text";
import { pick, type AppLocale } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "조직도", "Organization chart");

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "HR_OFFICER", "SYSTEM_ADMIN");
  const params = new URL(request.url).searchParams;
  const { asOf, asOfParam } = readAsOf(params);
  const q = plainText(params.get("q") ?? "").slice(0, 100);
  const tree = await chartTree(actor, asOf, q);
  return { ...tree, asOf: asOfParam, q, mayLoad: mayLoadChart(actor) };
}

type Node = ChartUnit & { children: Node[] };

/** The flat rows (in tree order) as nested nodes. */
function nest(units: ChartUnit[]): Node[] {
  const byId = new Map<string, Node>();
  const roots: Node[] = [];
  for (const u of units) {
    const node: Node = { ...u, children: [] };
    byId.set(u.id, node);
    const parent = u.parentId ? byId.get(u.parentId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

export default function OrgChart() {
  const d = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const roots = nest(d.units);
  const searching = d.q !== "";
  return (
    <>
      <h1>{t("chart.title")}</h1>
      <p className="lead">{t("chart.intro")}</p>
      {d.mayLoad ? <p><Link to="/hr/org-chart/import">{t("chart.load")}</Link></p> : null}
      <Form method="get" className="stack filters">
        <div>
          <label htmlFor="asOf">{t("chart.asOf")}</label>
          <input id="asOf" name="asOf" type="date" defaultValue={d.asOf ?? ""} aria-describedby="asOf-hint" />
          <p id="asOf-hint" className="meta">{t("chart.asOfHint")}</p>
        </div>
        <div>
          <label htmlFor="q">{t("chart.search")}</label>
          <input id="q" name="q" type="search" defaultValue={d.q} />
        </div>
        <div><button type="submit" className="secondary">{t("chart.show")}</button></div>
      </Form>
      <section aria-labelledby="chart-heading">
        <h2 id="chart-heading">{d.asOf ? t("chart.asOfTitle", { date: d.asOf }) : t("chart.todayTitle")}</h2>
        <div role="status">
          {d.units.length === 0 ? <p>{searching ? t("chart.noMatch", { q: d.q }) : t("chart.none")}</p> : null}
          {searching && d.units.length > 0 ? <p className="meta">{t("chart.matches", { count: d.units.filter((u) => u.match).length })}</p> : null}
          {d.truncated ? <p className="notice">{t("chart.truncated", { shown: d.units.length.toLocaleString(locale), total: d.total.toLocaleString(locale) })}</p> : null}
        </div>
        {roots.length > 0 ? (
          <ul className="org-tree" aria-label={t("chart.treeLabel")}>
            {roots.map((n) => <UnitItem key={n.id} node={n} open={searching} locale={locale} />)}
          </ul>
        ) : null}
      </section>
    </>
  );
}

/**
 * One unit: a disclosure (details/summary) when it has units under it, so the
 * tree folds with the keyboard and is read as nested lists. Top levels start
 * open; a search opens every branch to its matches.
 */
function UnitItem({ node, open, locale }: { node: Node; open: boolean; locale: AppLocale }) {
  const { t } = useTranslation();
  const label = (
    <>
      <span className={node.match ? "match" : undefined}>{pick(locale, node.nameKo, node.nameEn)}</span>{" "}
      <span className="meta">
        ({t("chart.code")} <code>{node.code}</code> · {t(`oversight.kind.${node.kind}`)}) · {t("chart.own", { count: node.own })} · {t("chart.rolled", { count: node.rolled })}
      </span>
    </>
  );
  if (node.children.length === 0) return <li>{label}</li>;
  return (
    <li>
      <details open={open || node.depth < 1}>
        <summary>{label}</summary>
        <ul>
          {node.children.map((c) => <UnitItem key={c.id} node={c} open={open} locale={locale} />)}
        </ul>
      </details>
    </li>
  );
}
