import { useTranslation } from "react-i18next";
import { TextField } from "./text-field";

/** A new password and its confirmation, with the length rule as the hint. */
export function NewPasswordFields({ minLength, errors }: { minLength: number; errors?: { password?: string; confirm?: string } }) {
  const { t } = useTranslation();
  return (
    <>
      <TextField
        name="password"
        label={t("account.passwordLabel")}
        hint={t("account.passwordHint", { min: minLength })}
        error={errors?.password}
        type="password"
        autoComplete="new-password"
        required
        minLength={minLength}
      />
      <TextField name="confirm" label={t("account.confirmLabel")} error={errors?.confirm} type="password" autoComplete="new-password" required />
    </>
  );
}
