import { describe, expect, it } from 'vitest';
import { parsePatrolReport } from './case-intake';
import { photoIdOf, photoIdsIn, photoListProblems } from './photo-paths';
import { inEnglish, type Problem } from './errors';

/** A validation result with its problems as the API words them in English. */
const worded = (result: { ok: boolean; errors?: readonly Problem[] }) =>
  result.errors ? { ...result, errors: inEnglish(result.errors) } : result;

const ID = '0b7c5a3e-9f1d-4c2a-8e6b-1d2f3a4b5c6d.jpg';
const PATH = `/api/photos/${ID}`;

describe('photo paths', () => {
  it('names a photo only by its GridSense path', () => {
    expect(photoIdOf(PATH)).toBe(ID);
    for (const other of [
      `https://cam.example${PATH}`,
      `${PATH}?download=1`,
      `/api/photos/${ID.replace('.jpg', '.svg')}`,
      '/api/photos/../../etc/passwd',
      ID,
      42,
    ])
      expect(photoIdOf(other), String(other)).toBeUndefined();
  });

  it('finds the photos a timeline entry uses: its photos and a joined report snapshot', () => {
    const other = ID.replace('0b7c', 'aaaa');
    expect(photoIdsIn({ photos: [PATH, PATH, `/api/photos/${other}`], location: {} })).toEqual([ID, other]);
    expect(photoIdsIn({ kind: 'patrol', snapshot: PATH })).toEqual([ID]);
    expect(photoIdsIn({ snapshot: 'https://cam.example/snap/7.jpg' })).toEqual([]);
    expect(photoIdsIn(null)).toEqual([]);
  });

  it('states what is wrong with a list', () => {
    expect(inEnglish(photoListProblems(undefined, false))).toEqual([]);
    expect(inEnglish(photoListProblems([], true))).toEqual(['photos must be a non-empty list of photo URLs']);
    expect(inEnglish(photoListProblems(['https://x/1.jpg'], true))).toEqual([
      'photos must be photos uploaded to /api/photos',
    ]);
  });

  it('a patrol report takes GridSense photos only', () => {
    const report = {
      title: '消防通道堵塞',
      description: '三号楼北侧',
      category: 'fire_safety',
      severity: 'warning',
      location: { lat: 30.27, lng: 120.15 },
    };
    expect(parsePatrolReport({ ...report, photos: [PATH] }).ok).toBe(true);
    expect(worded(parsePatrolReport({ ...report, photos: ['http://10.0.0.5/a.jpg'] }))).toEqual({
      ok: false,
      errors: ['photos must be photos uploaded to /api/photos'],
    });
  });
});
