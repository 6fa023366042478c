import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { COMMON_PASSWORD_COUNT, commonPasswords, weakPasswordReason } from "@/lib/server/password-policy";
import { registerUser } from "@/lib/server/services/users";

describe("weak passwords", () => {
  it("refuses the 10,000 most common passwords, whatever their case", () => {
    expect(commonPasswords().size).toBe(COMMON_PASSWORD_COUNT);
    for (const common of ["password", "12345678", "password1", "iloveyou", "qwertyuiop", "Password1", "LETMEIN1"]) {
      expect(weakPasswordReason(common, null), common).toMatch(/10,000 most common/);
    }
  });

  it("refuses repeats and straight runs, which the list leaves to rules", () => {
    for (const weak of ["aaaaaaaa", "abababab", "123123123", "abcdefgh", "98765432", "zzzzzzzzzzzz"]) {
      expect(weakPasswordReason(weak, null), weak).toMatch(/repeated or consecutive/);
    }
  });

  it("refuses the user's own email, its local part, and the local part with digits after it", () => {
    const email = "Jane.Doe7@example.test";
    for (const weak of ["jane.doe7@example.test", "JANE.DOE7", "jane.doe7", "jane.doe2024!", "jane.doe"]) {
      expect(weakPasswordReason(weak, email), weak).toBe("Don't use your email address as your password.");
    }
  });

  it("accepts what a careful person would choose", () => {
    for (const fine of [
      "correct horse battery",
      "Tr0ub4dor&3-x",
      "fashion mnist 91.24%",
      "jane.doe is my name, not my password",
    ]) {
      expect(weakPasswordReason(fine, "jane.doe@example.test"), fine).toBeNull();
    }
  });

  it("sign-up names the password field with the reason", async () => {
    const email = `weak.${randomUUID().slice(0, 8)}@example.test`;
    for (const [password, reason] of [
      ["aaaaaaaa", /repeated or consecutive/],
      ["password1", /10,000 most common/],
      [email, /email address/],
      [email.split("@")[0]!, /email address/],
    ] as const) {
      const attempt = registerUser({ email, name: "Weak", password });
      await expect(attempt).rejects.toMatchObject({
        code: "BAD_USER_INPUT",
        issues: [{ path: "password", message: expect.stringMatching(reason) }],
      });
    }
    await expect(registerUser({ email, name: "Weak", password: "a much better passphrase" })).resolves.toMatchObject({
      email,
    });
  });
});
