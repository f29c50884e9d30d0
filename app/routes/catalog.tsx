import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useRouteLoaderData } from "@remix-run/react";
import type { ContactData } from "~/components/contact-line";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { getCurrentSession } from "~/modules/auth/session.server";
import { EnrolmentError, StageLockedError, enrol, listCatalog } from "~/modules/catalog/catalog.server";
import { stageLocksOf, stageProgress } from "~/modules/lecturers/stages.server";
import { requestTranslator } from "~/utils/locale.server";
import { FormAlert } from "~/components/form-alert";
import { isSelfEnrolTrack } from "~/modules/org/coded-sets";
import { requireLearner } from "~/modules/learning/guard.server";
import { badRequest } from "~/utils/http.server";
import { pick, type AppLocale } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";
import { loadActor } from "~/modules/auth/permissions.server";
import { filtersFromUrl, listUpcomingOfferings, seesEveryClass } from "~/modules/offerings/catalog.server";
import { OfferingFilters, OfferingList } from "~/components/offering-list";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "인권교육원 과정 안내", "Human Rights Academy catalog");

/**
 * Public: anyone may browse the online courses and the public classes; signed-in people also see
 * the classes open to them (the query decides), and enrolling needs a signed-in person.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const current = await getCurrentSession(request);
  const filters = filtersFromUrl(new URL(request.url));
  const actor = current ? await loadActor(current) : null;
  const seesAll = seesEveryClass(actor);
  const [allCourses, offerings, stages] = await Promise.all([
    listCatalog(current?.user.personId ?? null),
    listUpcomingOfferings({ personId: current?.user.personId ?? null, userId: current?.userId ?? null, seesAll }, filters),
    stageProgress(current?.user.personId ?? null),
  ]);
  // Online courses have no date, place or topic: a filter on those, or on a class format, leaves them out.
  const onlineShown = !filters.format || filters.format === "ONLINE";
  const onlineFiltered = onlineShown && !filters.topic && !filters.district && !filters.from && !filters.to && !filters.audience;
  const q = filters.q?.toLowerCase();
  const courses = onlineFiltered ? allCourses.filter((c) => !q || c.titleKo.toLowerCase().includes(q) || c.titleEn.toLowerCase().includes(q)) : [];
  // The lecturer track's stages: each locked one says why (ADR 033).
  const stageLocks = Object.fromEntries(stageLocksOf(stages).map((l) => [l.courseId, l]));
  return { courses, offerings, filters, stageLocks, canEnrol: Boolean(current?.user.personId), signedIn: Boolean(current) };
}

const EnrolSchema = z.object({ intent: z.literal("enrol"), course: z.string().regex(/^[a-z0-9-]+$/) });

export async function action({ request }: ActionFunctionArgs) {
  const { personId, userId, locale } = await requireLearner(request);
  const parsed = EnrolSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) badRequest("enrol");
  try {
    const assignmentId = await enrol(personId, parsed.data.course, userId);
    return redirect(`/learn/${assignmentId}`);
  } catch (e) {
    if (e instanceof StageLockedError) {
      const { t } = requestTranslator(request, locale);
      const r = e.refusal;
      const formError = r.reason === "notTrainee" ? t("lecturers.catalog.notTrainee") : t("lecturers.catalog.stageLocked", { stage: r.waitingFor });
      return Response.json({ formError }, { status: 409 });
    }
    if (e instanceof EnrolmentError) badRequest(e.message);
    throw e;
  }
}

export default function Catalog() {
  const d = useLoaderData<typeof loader>();
  const refused = useActionData<{ formError?: string }>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const tracks = [...new Set(d.courses.map((c) => c.track))];
  // The academy's own name comes from the deployment's settings (ACADEMY_NAME_*), as in the footer.
  const root = useRouteLoaderData<{ contact?: ContactData }>("root");
  return (
    <>
      <h1>{t("catalog.title")}</h1>
      <p className="lead">{t("catalog.intro", { academy: root?.contact?.academy ?? t("app.academy") })}</p>
      <FormAlert result={refused} />
      {!d.signedIn ? <p className="notice"><Link to="/login?redirectTo=%2Fcatalog">{t("catalog.signInToEnrol")}</Link></p> : null}
      <OfferingFilters filters={d.filters} />
      <OfferingList offerings={d.offerings} />
      {tracks.map((track) => (
        <section key={track} aria-labelledby={`track-${track}`}>
          <h2 id={`track-${track}`}>{t(`catalog.track.${track}`)}</h2>
          <ul className="cards">
            {d.courses.filter((c) => c.track === track).map((c) => {
              const title = pick(locale, c.titleKo, c.titleEn);
              const open = isSelfEnrolTrack(c.track);
              const lock = d.stageLocks[c.courseId];
              return (
                <li key={c.courseId} className="card">
                  <h3>{title}{c.edition ? ` (${c.edition})` : ""}</h3>
                  {c.trackStage ? <p className="meta">{t("lecturers.catalog.stage", { stage: c.trackStage })}</p> : null}
                  <p>{pick(locale, c.summaryKo, c.summaryEn)}</p>
                  <p className="meta">{t("home.minutes", { count: c.estimatedMinutes })} · {t("catalog.lessons", { count: c.lessonCount })}</p>
                  <div className="actions">
                    {c.assignmentId ? (
                      <Link className="button" to={`/learn/${c.assignmentId}`}>
                        {c.assignmentStatus === "COMPLETED" ? t("home.review") : t("home.resume")}
                        <span className="visually-hidden">: {title}</span>
                      </Link>
                    ) : lock ? (
                      <p className="meta">
                        {t("lecturers.trainee.states.locked")}: {lock.reason === "notTrainee" ? t("lecturers.catalog.notTrainee") : t("lecturers.catalog.stageLocked", { stage: lock.waitingFor })}
                        {lock.reason === "notTrainee" ? <> <Link to="/lecturers">{t("lecturers.catalog.howToApply")}</Link></> : null}
                      </p>
                    ) : open && d.canEnrol ? (
                      <Form method="post">
                        <input type="hidden" name="intent" value="enrol" />
                        <input type="hidden" name="course" value={c.slug} />
                        <button type="submit" className="primary">
                          {t("catalog.enrol")}<span className="visually-hidden">: {title}</span>
                        </button>
                      </Form>
                    ) : !open ? (
                      <span className="meta">{t("catalog.assignedOnly")}</span>
                    ) : null}
                  </div>
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </>
  );
}
