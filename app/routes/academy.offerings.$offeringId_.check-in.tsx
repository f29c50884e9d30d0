import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { requireActor } from "~/modules/auth/permissions.server";
import { checkInCounts, currentCode, mayShowCode } from "~/modules/offerings/check-in.server";
import { CHECK_IN_STEP_SECONDS as STEP_SECONDS } from "~/modules/offerings/codes";
import { notFound } from "~/utils/http.server";
import { pick, type AppLocale } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "체크인 QR 코드", "Check-in QR code");

/** The class's rotating code, for its lecturers and the academy; anyone else finds nothing here. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const offering = await mayShowCode(params.offeringId ?? "", actor.userId, actor.roles);
  if (!offering) notFound();
  const code = await currentCode(offering.id);
  return {
    id: offering.id,
    titleKo: offering.titleKo,
    titleEn: offering.titleEn,
    svg: code.svg,
    counts: await checkInCounts(offering.id),
  };
}

export default function CheckInCode() {
  const d = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const revalidator = useRevalidator();
  // A new code (and the count) a few times per step, so the screen never shows an expired one for long.
  useEffect(() => {
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), (STEP_SECONDS * 1000) / 3);
    return () => clearInterval(timer);
  }, [revalidator]);
  return (
    <>
      <h1>{t("offerings.checkIn.showTitle")}</h1>
      <p className="lead">{pick(locale, d.titleKo, d.titleEn)}</p>
      <p>{t("offerings.checkIn.showIntro", { seconds: STEP_SECONDS })}</p>
      <div className="qr check-in-qr" role="img" aria-label={t("offerings.checkIn.qrLabel")} dangerouslySetInnerHTML={{ __html: d.svg }} />
      <p role="status">{t("offerings.checkIn.counts", d.counts)}</p>
      {/* The class's page, where its lecturers and the academy call the roll. */}
      <p><Link to={`/academy/offerings/${d.id}`}>{t("offerings.admin.manage", { title: pick(locale, d.titleKo, d.titleEn) })}</Link></p>
    </>
  );
}
