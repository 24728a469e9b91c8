"""Mining reusable wording from reports: units, section types, slots, phrases."""
