// Writes the example workbooks in examples/ that the README's `xlgrad check`
// examples run on: the course template (Mazur's bias-free 2-2-2 sigmoid net,
// one row per iteration), correct and with one planted mistake.
//
//   npx tsx test/makeExamples.ts

import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { courseWorkbook, type Sheet } from './courseWorkbook.ts';

const here = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples');
const δo1 = '({a_o1}-{t1})*{a_o1}*(1-{a_o1})', δo2 = '({a_o2}-{t2})*{a_o2}*(1-{a_o2})';
const course: Sheet = { name: 'Sheet1', lr: 0.5, iterations: 60 };
// ∂E/∂w3 multiplies by a_h1's σ′ where a_h2's belongs: the mistake learners make most.
const buggy: Sheet = { ...course, plant: { g3: `=(${δo1}*{w6}+${δo2}*{w8})*{a_h1}*(1-{a_h1})*{i1}` } };

writeFileSync(join(here, 'course.xlsx'), await courseWorkbook([course]));
writeFileSync(join(here, 'course-buggy.xlsx'), await courseWorkbook([buggy]));
console.log(`wrote ${join(here, 'course.xlsx')} and course-buggy.xlsx`);
