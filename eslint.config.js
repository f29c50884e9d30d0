import js from "@eslint/js";
import globals from "globals";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["build/", "node_modules/", "app/generated/", "tools/", ".data/", ".cache/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-non-null-assertion": "off",
      // Prisma calls belong in modules, never in route files.
      "no-restricted-imports": "off",
    },
  },
  {
    files: ["app/routes/**/*.tsx", "app/routes/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { paths: [{ name: "~/utils/db.server", message: "Routes call modules; modules query the database." }] }],
    },
  },
);
