import type { Diagnostic, SkillDefinition } from '../core/workspace/model.ts'
import { skillFrontmatterSchema } from '../core/workspace/schemas.ts'
import { readItemDocuments } from './list-item-dirs.ts'
import type { WorkspaceFiles } from './workspace-files.ts'

export async function loadSkills(
  files: WorkspaceFiles,
  diagnostics: Diagnostic[],
): Promise<SkillDefinition[]> {
  const skills: SkillDefinition[] = []
  for (const { id, file, subject, data, body } of await readItemDocuments(
    files,
    'skills',
    'SKILL.md',
    skillFrontmatterSchema,
    diagnostics,
  )) {
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
      id,
      file,
      name: data.name ?? id,
      description: data.description,
      tools: [...new Set([...data.tools, ...stepTools])],
      steps: data.steps ?? null,
      instructions: body.trim(),
    })
  }
  return skills
}
