/** The components pages use by name (in Markdown: `<ChapterPractice chapter="kafka" />`). */
import type { Component } from 'vue';
import { defineAsyncComponent } from 'vue';
import { ExerciseIndex, LabIndex } from './catalog-lists.ts';
import { ChapterPractice } from './chapter-practice.ts';
import { CoverageTable } from './coverage-table.ts';
import { DoneMark, ExerciseStatus } from './exercise-status.ts';
import { LearningPath } from './learning-path.ts';
import { MermaidDiagram } from './mermaid-diagram.ts';
import { WorkbookContents, WorkbookProgress } from './workbook-home.ts';

export const PAGE_COMPONENTS: Record<string, Component> = {
  // The live view (issue 16): loaded only on /broker/ and when a lab page's Run button is shown.
  BrokerLive: defineAsyncComponent(async () => (await import('./broker-live.ts')).BrokerLive),
  ChapterPractice,
  CoverageTable,
  DoneMark,
  ExerciseIndex,
  ExerciseStatus,
  // Loaded only where a page uses them: the flashcard engine and the deck stay off every other page.
  FlashcardsTrainer: defineAsyncComponent(() => import('./flashcards-trainer.ts')),
  LabIndex,
  LabRun: defineAsyncComponent(async () => (await import('./lab-run.ts')).LabRun),
  LearningPath,
  MermaidDiagram,
  MockInterview: defineAsyncComponent(() => import('./mock-interview.ts')),
  WorkbookContents,
  WorkbookProgress,
};
