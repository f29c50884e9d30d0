import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLocation,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { useEffect, useMemo, useRef, useState } from "react";
import { I18nextProvider, useTranslation } from "react-i18next";
import { getCurrentSession } from "~/modules/auth/session.server";
import { loadActor } from "~/modules/auth/permissions.server";
import { createI18n, type AppLocale } from "~/utils/i18n";
import { resolveLocale } from "~/utils/locale.server";
import stylesHref from "~/styles.css?url";
import { useNonce } from "~/utils/nonce";
import { contactFor } from "~/utils/contact.server";
import { ContactLine, type ContactData } from "~/components/contact-line";

export const meta: MetaFunction = ({ data }) => [
  { title: (data as { locale?: string } | undefined)?.locale === "en" ? "Human Rights Education" : "인권교육 이수관리" },
];

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesHref },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const current = await getCurrentSession(request, context);
  const actor = current ? await loadActor(current) : null;
  const locale = resolveLocale(request, current?.user.locale);
  const headers = new Headers();
  if (current?.refreshCookie) headers.append("Set-Cookie", current.refreshCookie);
  return Response.json(
    {
      locale,
      contact: contactFor(locale),
      user: actor
        ? { displayName: actor.user.displayName, roles: [...actor.roles], isLearner: Boolean(actor.user.personId) }
        : null,
    },
    { headers },
  );
}

type RootData = {
  locale: AppLocale;
  /** Missing only on an error page shown before the root loader ran. */
  contact?: ContactData;
  user: { displayName: string; roles: string[]; isLearner: boolean } | null;
};

function Header({ data }: { data: RootData }) {
  const { t } = useTranslation();
  const location = useLocation();
  const here = location.pathname + location.search;
  const other: AppLocale = data.locale === "ko" ? "en" : "ko";
  // On a narrow screen the menu folds behind a button once the page's script runs; without it
  // (or before it) the links stay a wrapped list, so the menu is never out of reach.
  const [enhanced, setEnhanced] = useState(false);
  const [open, setOpen] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  useEffect(() => setEnhanced(true), []);
  useEffect(() => setOpen(false), [location.pathname, location.search]);
  const closeOnEscape = (e: React.KeyboardEvent) => {
    if (e.key !== "Escape" || !open) return;
    setOpen(false);
    toggle.current?.focus();
  };
  return (
    <header className={`site-header${enhanced ? " menu-ready" : ""}${open ? " menu-open" : ""}`}>
      <div className="bar">
        <Link to="/" className="brand">
          <span aria-hidden="true" className="brand-mark">◆</span> {t("app.name")}
        </Link>
        {enhanced ? (
          <button ref={toggle} type="button" className="menu-toggle" aria-expanded={open} aria-controls="site-menu" onClick={() => setOpen(!open)}>
            <svg aria-hidden="true" focusable="false" width="18" height="14" viewBox="0 0 18 14">
              <path d={open ? "M3 1l12 12M15 1L3 13" : "M0 1h18M0 7h18M0 13h18"} stroke="currentColor" strokeWidth="2" fill="none" />
            </svg>
            {t("app.menu")}
          </button>
        ) : null}
        <div id="site-menu" className="site-menu" onKeyDown={closeOnEscape}>
          <nav aria-label={data.locale === "ko" ? "주 메뉴" : "Main"}>
            <ul>
              {data.user?.isLearner ? (
                <li><NavLink to="/" end>{t("app.nav.home")}</NavLink></li>
              ) : null}
              <li><NavLink to="/catalog">{t("app.nav.catalog")}</NavLink></li>
              <li><NavLink to="/lecturers">{t("lecturers.nav")}</NavLink></li>
              {data.user?.roles.includes("HR_OFFICER") ? (
                <>
                  <li><NavLink to="/hr" end>{t("app.nav.hr")}</NavLink></li>
                  <li><NavLink to="/hr/sessions">{t("app.nav.sessions")}</NavLink></li>
                  <li><NavLink to="/hr/import">{t("app.nav.import")}</NavLink></li>
                  <li><NavLink to="/hr/reports">{t("app.nav.reports")}</NavLink></li>
                  <li><NavLink to="/hr/hours">{t("hoursExport.nav")}</NavLink></li>
                  <li><NavLink to="/hr/delegates">{t("delegation.nav")}</NavLink></li>
                </>
              ) : null}
              {data.user?.roles.includes("HR_OFFICER") || data.user?.roles.includes("SYSTEM_ADMIN") ? (
                <>
                  <li><NavLink to="/hr/oversight">{t("oversight.nav")}</NavLink></li>
                  <li><NavLink to="/hr/org-chart">{t("app.nav.chart")}</NavLink></li>
                </>
              ) : null}
              {data.user?.roles.includes("SYSTEM_ADMIN") ? (
                <>
                  <li><NavLink to="/admin/roles">{t("roles.nav")}</NavLink></li>
                  <li><NavLink to="/admin/access-log">{t("accessLog.nav")}</NavLink></li>
                  <li><NavLink to="/admin/seal">{t("seal.nav")}</NavLink></li>
                </>
              ) : null}
              {data.user?.roles.includes("ACADEMY_ADMIN") ? (
                <>
                  <li><NavLink to="/academy" end>{t("app.nav.academy")}</NavLink></li>
                  <li><NavLink to="/academy/notices">{t("notices.nav")}</NavLink></li>
                  <li><NavLink to="/academy/cycles">{t("cycles.nav")}</NavLink></li>
                  <li><NavLink to="/academy/offerings">{t("offerings.nav")}</NavLink></li>
                  <li><NavLink to="/academy/lecture-requests">{t("lectureRequests.admin.nav")}</NavLink></li>
                  <li><NavLink to="/academy/lecturers">{t("lecturers.academyNav")}</NavLink></li>
                  <li><NavLink to="/academy/practicums">{t("lecturerPracticum.nav.practicums")}</NavLink></li>
                </>
              ) : null}
              {data.user?.roles.includes("ASSESSOR") ? (
                <li><NavLink to="/assess">{t("lecturerPracticum.nav.assess")}</NavLink></li>
              ) : null}
              {data.user?.roles.includes("LECTURER") ? <li><NavLink to="/lecturer">{t("lecturers.trainee.nav")}</NavLink></li> : null}
              <li><NavLink to="/lecturers/request">{t("lectureRequests.nav")}</NavLink></li>
              <li><NavLink to="/verify">{t("app.nav.verify")}</NavLink></li>
            </ul>
          </nav>
          <div className="session">
            {/* The page comes back at the same address, so the menu is closed here rather than on navigation. */}
            <Form method="post" action="/language" className="inline" onSubmit={() => setOpen(false)}>
              <input type="hidden" name="locale" value={other} />
              <input type="hidden" name="redirectTo" value={here} />
              <button type="submit" className="link-button" lang={other} aria-label={t("app.switchToLabel")}>
                {t("app.switchTo")}
              </button>
            </Form>
            {data.user ? (
              <>
                <span className="who">{t("app.signedInAs", { name: data.user.displayName })}</span>
                <Link to="/account">{t("account.nav")}</Link>
                <Form method="post" action="/logout" className="inline">
                  <button type="submit" className="link-button">{t("app.nav.signOut")}</button>
                </Form>
              </>
            ) : (
              <Link to="/login">{t("app.nav.signIn")}</Link>
            )}
          </div>
        </div>
      </div>
    </header>
  );
}

function Document({ locale, children }: { locale: AppLocale; children: React.ReactNode }) {
  const i18n = useMemo(() => createI18n(locale), [locale]);
  const nonce = useNonce();
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <I18nextProvider i18n={i18n}>{children}</I18nextProvider>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

function Shell({ data, children }: { data: RootData; children: React.ReactNode }) {
  const { t } = useTranslation();
  return (
    <>
      <a href="#main" className="skip-link">{t("app.skipToContent")}</a>
      <Header data={data} />
      <main id="main" tabIndex={-1}>{children}</main>
      <footer className="site-footer">
        <p>{data.contact?.academy ?? t("app.academy")} · {t("app.footer")}</p>
        {data.contact ? <ContactLine contact={data.contact} /> : null}
        <p><Link to="/help">{t("app.help")}</Link></p>
      </footer>
    </>
  );
}

export default function App() {
  const data = useRouteLoaderData<RootData>("root")!;
  return (
    <Document locale={data.locale}>
      <Shell data={data}>
        <Outlet />
      </Shell>
    </Document>
  );
}

function ErrorContent() {
  const error = useRouteError();
  const { t } = useTranslation();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  if (status >= 500) console.error(error);
  const [title, body] =
    status === 404
      ? [t("errors.notFoundTitle"), t("errors.notFoundBody")]
      : status === 403
        ? [t("errors.forbiddenTitle"), t("errors.forbiddenBody")]
        : status >= 400 && status < 500
          ? [t("errors.badRequestTitle"), isRouteErrorResponse(error) && error.data?.message ? String(error.data.message) : ""]
          : [t("errors.serverTitle"), t("errors.serverBody")];
  return (
    <section className="panel" aria-labelledby="error-title">
      <h1 id="error-title">{title}</h1>
      {body ? <p>{body}</p> : null}
      <p><Link to="/">{t("errors.home")}</Link></p>
    </section>
  );
}

export function ErrorBoundary() {
  const data = useRouteLoaderData<RootData>("root");
  const locale = data?.locale ?? "ko";
  const shellData: RootData = data ?? { locale, user: null };
  return (
    <Document locale={locale}>
      <Shell data={shellData}>
        <ErrorContent />
      </Shell>
    </Document>
  );
}
