// The AWS SDK's reading of a shared config/credentials file (parseIni and
// getConfigData of @smithy/core's config module, v4.7), line for line, with
// two differences that make it safe on any input:
// - sections live in objects without a prototype. The SDK's `map[section] ||= {}`
//   finds Object.prototype's members: `[constructor]` made it write the
//   section's keys onto the global `Object` (a secret from ~/.aws/config then
//   showed up in ~/.aws/credentials' `[constructor]`), `[valueOf]` onto a
//   built-in function;
// - a `__proto__` section (the SDK throws and then ignores the whole file) is
//   skipped alone and reported.
// test/aws/ini-fuzz.test.ts checks that both agree on everything else.
import type { ProfileSection } from './types.ts';

export type Sections = Record<string, ProfileSection>;

export interface ParsedIni {
  sections: Sections;
  /** Sections left out, with their line, for a warning. */
  skipped: { line: number; name: string }[];
}

const SECTION_TYPES = ['profile', 'sso-session', 'services'];
const SEPARATOR = '.';
// As in the SDK (where `\w-@` in the class is read as a literal `-`).
const PREFIX_KEY = /^([\w-]+)\s(["'])?([\w\-@+.%:/]+)\2$/;

const bare = (): Record<string, any> => Object.create(null) as Record<string, any>;

/** The SDK's parseIni: `[prefix name]` → `prefix.name`, sub-sections as dotted keys. */
export function parseIni(text: string): ParsedIni {
  const map = bare() as Sections;
  const skipped: ParsedIni['skipped'] = [];
  let currentSection: string | undefined;
  let currentSubSection: string | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const iniLine = lines[i]!;
    const trimmedLine = iniLine.split(/(^|\s)[;#]/)[0]!.trim();
    const isSection = trimmedLine[0] === '[' && trimmedLine[trimmedLine.length - 1] === ']';
    if (isSection) {
      currentSection = undefined;
      currentSubSection = undefined;
      const sectionName = trimmedLine.substring(1, trimmedLine.length - 1);
      const matches = PREFIX_KEY.exec(sectionName);
      let name = sectionName;
      if (matches) {
        const [, prefix, , suffix] = matches;
        name = suffix!;
        if (SECTION_TYPES.includes(prefix!)) currentSection = [prefix, name].join(SEPARATOR);
      } else {
        currentSection = sectionName;
      }
      if (currentSection !== undefined && name === '__proto__') {
        skipped.push({ line: i + 1, name: sectionName });
        currentSection = undefined;
      }
    } else if (currentSection) {
      const indexOfEqualsSign = trimmedLine.indexOf('=');
      if (![0, -1].includes(indexOfEqualsSign)) {
        const name = trimmedLine.substring(0, indexOfEqualsSign).trim();
        const value = trimmedLine.substring(indexOfEqualsSign + 1).trim();
        if (value === '') {
          currentSubSection = name;
        } else {
          if (currentSubSection && iniLine.trimStart() === iniLine) currentSubSection = undefined;
          map[currentSection] ??= bare();
          const key = currentSubSection ? [currentSubSection, name].join(SEPARATOR) : name;
          map[currentSection]![key] = value;
        }
      }
    }
  }
  return { sections: map, skipped };
}

/** The SDK's getConfigData: `default` and `prefix.name` sections of a config file, `profile.` dropped from the names. */
export function configSections(parsed: Sections): Sections {
  const out = bare() as Sections;
  if (parsed.default) out.default = parsed.default;
  for (const key of Object.keys(parsed)) {
    const i = key.indexOf(SEPARATOR);
    if (i === -1 || !SECTION_TYPES.includes(key.substring(0, i))) continue;
    out[key.substring(0, i) === 'profile' ? key.substring(i + 1) : key] = parsed[key]!;
  }
  return out;
}
