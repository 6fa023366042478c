// `npm run seed`: a demo class with one grader and two students, so a newcomer can sign in and
// look around at once. Idempotent: running it again resets the demo passwords and memberships.
import { hash } from "@node-rs/argon2";
import { db, disconnectDb } from "../lib/server/db";

export const DEMO = {
  class: { name: "Demo Class", slug: "demo", joinCode: "TRYNETS2" },
  users: [
    { email: "grader@catwalk.test", name: "Grace Grader", password: "catwalk-grader", role: "OWNER" },
    { email: "student1@catwalk.test", name: "Sam Student", password: "catwalk-student1", role: "STUDENT" },
    { email: "student2@catwalk.test", name: "Sasha Student", password: "catwalk-student2", role: "STUDENT" },
  ],
} as const;

export async function seedDemo(): Promise<void> {
  const klass = await db.class.upsert({
    where: { slug: DEMO.class.slug },
    create: DEMO.class,
    update: { joinCode: DEMO.class.joinCode },
    select: { id: true },
  });
  for (const u of DEMO.users) {
    const passwordHash = await hash(u.password);
    const user = await db.user.upsert({
      where: { email: u.email },
      create: { email: u.email, name: u.name, passwordHash },
      update: { name: u.name, passwordHash },
      select: { id: true },
    });
    await db.membership.upsert({
      where: { userId_classId: { userId: user.id, classId: klass.id } },
      create: { userId: user.id, classId: klass.id, role: u.role },
      update: { role: u.role },
      select: { role: true },
    });
  }
}

export async function seedAndReport(): Promise<void> {
  await seedDemo();
  console.log(`Seeded "${DEMO.class.name}" (join code ${DEMO.class.joinCode}). Sign in with:`);
  for (const u of DEMO.users) console.log(`  ${u.role.padEnd(8)} ${u.email.padEnd(24)} ${u.password}`);
  await disconnectDb();
}
