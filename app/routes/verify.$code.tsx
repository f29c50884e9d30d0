import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/utils/meta";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { verifyCertificate } from "~/modules/certificates/certificates.server";
import { verifyAppointment } from "~/modules/lecturers/appointments.server";
import { formatDate, pick, type AppLocale } from "~/utils/i18n";
import { getEnv } from "~/utils/env.server";

export const meta: MetaFunction = ({ matches }) => [
  ...pageTitle(matches, "수료증 진위 확인", "Verify a certificate"),
  { name: "robots", content: "noindex" },
];

/**
 * Public: anyone holding a code may check it: a certificate's, or a lecturer appointment's (the
 * same kind of code, ADR 034). Unknown codes answer 404 with a clear message.
 */
export async function loader({ params }: LoaderFunctionArgs) {
  const cert = await verifyCertificate(params.code ?? "");
  const appointment = cert ? null : await verifyAppointment(params.code ?? "");
  const env = getEnv();
  return Response.json(
    { code: params.code ?? "", cert, appointment, issuerKo: env.ACADEMY_NAME_KO, issuerEn: env.ACADEMY_NAME_EN },
    { status: cert || appointment ? 200 : 404, headers: { "Cache-Control": "no-store" } },
  );
}

type Data = {
  code: string;
  issuerKo: string;
  issuerEn: string;
  cert: null | {
    number: string;
    verificationCode: string;
    holderName: string;
    courseTitleKo: string;
    courseTitleEn: string;
    obligationTitleKo: string;
    obligationTitleEn: string;
    cycleLabel: string;
    recognisedHours: number;
    completedAt: string;
    issuedAt: string;
    status: "VALID" | "REVOKED" | "SUPERSEDED";
  };
  appointment: null | {
    number: string;
    verificationCode: string;
    holderName: string;
    startsOn: string;
    endsOn: string;
    status: "VALID" | "NOT_YET" | "ENDED";
  };
};

export default function VerifyResult() {
  const d = useLoaderData<Data>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const c = d.cert;
  const a = d.appointment;
  if (a) {
    return (
      <section className="panel" aria-labelledby="verify-title">
        <h1 id="verify-title">{t("lecturerPracticum.verify.title")}</h1>
        <p className={a.status === "VALID" ? "success" : "alert"} role="status">
          <strong>{t(`lecturerPracticum.verify.${a.status}`)}</strong>
        </p>
        <dl className="facts">
          <dt>{t("lecturerPracticum.verify.number")}</dt><dd>{a.number}</dd>
          <dt>{t("certificate.code")}</dt><dd>{a.verificationCode}</dd>
          <dt>{t("lecturerPracticum.verify.holder")}</dt><dd>{a.holderName} <small className="meta">({t("certificate.holderNote")})</small></dd>
          <dt>{t("lecturerPracticum.verify.term")}</dt><dd>{t("lecturerPracticum.verify.termValue", { from: a.startsOn, to: a.endsOn })}</dd>
          <dt>{t("certificate.issuer")}</dt><dd>{pick(locale, d.issuerKo, d.issuerEn)}</dd>
        </dl>
        <p><Link to="/verify">{t("certificate.verifyTitle")}</Link></p>
      </section>
    );
  }
  return (
    <section className="panel" aria-labelledby="verify-title">
      <h1 id="verify-title">{t("certificate.verifyTitle")}</h1>
      {!c ? (
        <p className="alert" role="alert">{t("certificate.notFound")}</p>
      ) : (
        <>
          <p className={c.status === "VALID" ? "success" : "alert"} role="status">
            <strong>{c.status === "VALID" ? t("certificate.valid") : t(`certificate.${c.status}`)}</strong>
          </p>
          <dl className="facts">
            <dt>{t("certificate.number")}</dt><dd>{c.number}</dd>
            <dt>{t("certificate.code")}</dt><dd>{c.verificationCode}</dd>
            <dt>{t("certificate.holder")}</dt><dd>{c.holderName} <small className="meta">({t("certificate.holderNote")})</small></dd>
            <dt>{t("certificate.course")}</dt><dd>{pick(locale, c.courseTitleKo, c.courseTitleEn)}</dd>
            <dt>{t("certificate.obligation")}</dt><dd>{pick(locale, c.obligationTitleKo, c.obligationTitleEn)}</dd>
            <dt>{t("certificate.cycle")}</dt><dd>{c.cycleLabel}</dd>
            <dt>{t("certificate.hours")}</dt><dd>{t("certificate.hoursValue", { count: c.recognisedHours })}</dd>
            <dt>{t("certificate.completedAt")}</dt><dd>{formatDate(c.completedAt, locale)}</dd>
            <dt>{t("certificate.issuedAt")}</dt><dd>{formatDate(c.issuedAt, locale)}</dd>
            <dt>{t("certificate.issuer")}</dt><dd>{pick(locale, d.issuerKo, d.issuerEn)}</dd>
          </dl>
        </>
      )}
      <p><Link to="/verify">{t("certificate.verifyTitle")}</Link></p>
    </section>
  );
}
