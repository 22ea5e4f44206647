import type { Diagnostic, SkillDefinition } from '../core/workspace/model.ts'
import { parseMarkdownWithSchema } from '../core/workspace/parse-markdown.ts'
import { skillFrontmatterSchema } from '../core/workspace/schemas.ts'
import { listItemDirectories, readItemFile } from './list-item-dirs.ts'
import type { WorkspaceFiles } from './workspace-files.ts'

export async function loadSkills(
  files: WorkspaceFiles,
  diagnostics: Diagnostic[],
): Promise<SkillDefinition[]> {
  const skills: SkillDefinition[] = []
  for (const entry of await listItemDirectories(files, 'skills', diagnostics)) {
    const subject = { kind: 'skill' as const, id: entry.name }
    const file = `${entry.relative}/SKILL.md`
    const text = await readItemFile(files, file, diagnostics, subject)
    if (text === undefined) {
      if (!diagnostics.some((diagnostic) => diagnostic.file === file)) {
        diagnostics.push({
          severity: 'warning',
          file: entry.relative,
          subject,
          message: 'no SKILL.md; folder skipped',
        })
      }
      continue
    }
    const parsed = parseMarkdownWithSchema(text, file, skillFrontmatterSchema)
    diagnostics.push(...parsed.diagnostics.map((diagnostic) => ({ ...diagnostic, subject })))
    const data = parsed.data
    if (!data) continue
    if (data.description === '') {
      diagnostics.push({
        severity: 'warning',
        file,
        subject,
        message: 'no description: the model sees the skill without one',
      })
    }
    const stepTools = (data.steps ?? []).flatMap((step) => [
      ...(step.tool ? [step.tool] : []),
      ...(step.tools ?? []).map((fanOut) => fanOut.tool),
    ])
    skills.push({
      id: entry.name,
      file,
      name: data.name ?? entry.name,
      description: data.description,
      tools: [...new Set([...data.tools, ...stepTools])],
      steps: data.steps ?? null,
      instructions: parsed.body.trim(),
    })
  }
  return skills
}
