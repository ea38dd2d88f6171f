import type { RuleOptions } from '../src/rules/rule-set.js';
import { coursesProjection } from './courses.js';
import type { AnyProjection } from './define.js';
import { institutionOversightProjection } from './institution-oversight.js';
import { institutionsProjection } from './institutions.js';
import { personDirectoryProjection } from './person-directory.js';
import { personYearsProjection } from './person-years/definition.js';

export interface ProjectionOptions {
  rules?: RuleOptions;
}

/** Every read model the runner keeps, one line each. */
export function registeredProjections(options: ProjectionOptions = {}): AnyProjection[] {
  return [
    personYearsProjection(options.rules),
    institutionsProjection,
    coursesProjection,
    personDirectoryProjection,
    institutionOversightProjection,
  ];
}
