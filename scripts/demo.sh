#!/usr/bin/env bash
# Brings the app up with demo data on a fresh machine: dependencies,
# PostgreSQL and Redis (unless DATABASE_URL / REDIS_URL are set), a local mail
# catcher (unless SMTP_URL is set), migrations, content, demo data, the worker
# and the web server. Ctrl-C stops what it started (the databases keep
# running; `bash scripts/services.sh down` stops them).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/common.sh

prepare_machine

export NODE_ENV=production
export PORT="${PORT:-3000}"
export APP_ORIGIN="${APP_ORIGIN:-http://127.0.0.1:$PORT}"
export MAIL_FROM="${MAIL_FROM:-서울시 인권교육원 <no-reply@hr-edu.localhost>}"
# The key of e-mailed links: one per demo machine, kept in .data so links survive a restart.
if [[ -z "${LINK_SECRET:-}" ]]; then
  [[ -s .data/link-secret ]] || node -e 'console.log(require("node:crypto").randomBytes(32).toString("hex"))' >.data/link-secret
  LINK_SECRET="$(cat .data/link-secret)"
  export LINK_SECRET
fi

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

if [[ -z "${SMTP_URL:-}" ]]; then
  export MAIL_CATCHER_PORT="${MAIL_CATCHER_PORT:-1025}"
  export SMTP_URL="smtp://127.0.0.1:$MAIL_CATCHER_PORT"
  step "Starting the mail catcher (messages are saved in .data/mail)"
  node --import tsx scripts/mail-catcher.ts &
  pids+=($!)
fi

step "Applying database migrations"
npx tsx prisma/migrate.ts deploy

step "Publishing content"
npm run --silent content:load

step "Loading demo data"
npx tsx prisma/seed.ts

# The stand-in staff portal: a real OpenID provider on loopback that knows the demo's civil servants.
export IDP_PORT="${IDP_PORT:-4010}"
if [[ -z "${OIDC_ISSUER:-}" ]]; then
  export OIDC_ISSUER="http://127.0.0.1:$IDP_PORT"
  export OIDC_CLIENT_ID="hr-edu-demo"
  [[ -s .data/oidc-client-secret ]] || node -e 'console.log(require("node:crypto").randomBytes(24).toString("hex"))' >.data/oidc-client-secret
  OIDC_CLIENT_SECRET="$(cat .data/oidc-client-secret)"
  export OIDC_CLIENT_SECRET
  export OIDC_EMPLOYEE_NO_CLAIM="employee_no"
  start_idp=1
fi

step "Giving every person on the roll a way in"
ways_in="$(npx tsx scripts/demo-ways-in.ts --staff-file .data/demo-staff.json)"
echo "$ways_in"

if [[ "${start_idp:-0}" == 1 ]]; then
  step "Starting the stand-in staff portal on $OIDC_ISSUER"
  node --import tsx scripts/identity-provider.ts --port "$IDP_PORT" --accounts .data/demo-staff.json \
    --client-id "$OIDC_CLIENT_ID" --client-secret "$OIDC_CLIENT_SECRET" --redirect-uri "$APP_ORIGIN/auth/sso/callback" &
  pids+=($!)
fi

step "Building the app"
npx remix vite:build >/dev/null

step "Starting the worker and the web server"
node --import tsx jobs/worker.ts &
pids+=($!)
node --import tsx server.ts &
pids+=($!)

for _ in $(seq 1 60); do
  if curl -fsS "$APP_ORIGIN/healthz" >/dev/null 2>&1; then break; fi
  sleep 0.5
done
curl -fsS "$APP_ORIGIN/healthz" >/dev/null || { echo "The app did not become healthy" >&2; exit 1; }

cat <<BANNER

  Human rights education is running at $APP_ORIGIN

  Ways in:
$ways_in

  City civil servants: "직원 포털로 로그인" (sign in with the staff portal) on the sign-in page,
  then choose the person at the stand-in portal.

  Demo accounts (e-mail / password):
$(npx tsx prisma/seed.ts --accounts)

  The HR officer, academy and system administrator accounts set up a second step at their first
  sign-in: scan the QR code with an authenticator app, or, in another terminal, run
  npm run totp -- "<the key the page shows>"   for the current code.

  Mail sent by the worker is saved in .data/mail (or goes to SMTP_URL when set).
  Press Ctrl-C to stop.
BANNER

wait -n "${pids[@]}"
