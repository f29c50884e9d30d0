import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/utils/meta";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { verifyCertificate } from "~/modules/certificates/certificates.server";
import { formatDate, pick, type AppLocale } from "~/utils/i18n";
import { getEnv } from "~/utils/env.server";

export const meta: MetaFunction = ({ matches }) => [
  ...pageTitle(matches, "수료증 진위 확인", "Verify a certificate"),
  { name: "robots", content: "noindex" },
];

/** Public: anyone holding a code may check it. Unknown codes answer 404 with a clear message. */
export async function loader({ params }: LoaderFunctionArgs) {
  const cert = await verifyCertificate(params.code ?? "");
  const env = getEnv();
  return Response.json(
    { code: params.code ?? "", cert, issuerKo: env.ACADEMY_NAME_KO, issuerEn: env.ACADEMY_NAME_EN },
    { status: cert ? 200 : 404, headers: { "Cache-Control": "no-store" } },
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
};

export default function VerifyResult() {
  const d = useLoaderData<Data>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const c = d.cert;
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
