// Activity names as a person would write them: "Morning Run", "Evening Walk".
import type { Workout } from '../core/workout/types.js';

const SPORT_WORD: Partial<Record<Workout['sport'], string>> = {
  running: 'Run',
  treadmill: 'Treadmill Run',
  trail_running: 'Trail Run',
  walking: 'Walk',
  indoor_walking: 'Indoor Walk',
  hiking: 'Hike',
  cycling: 'Ride',
  indoor_cycling: 'Indoor Ride',
  mountain_biking: 'Mountain Bike Ride',
  pool_swimming: 'Pool Swim',
  open_water_swimming: 'Open Water Swim',
  elliptical: 'Elliptical',
  rowing: 'Row',
  indoor_rowing: 'Indoor Row',
  strength: 'Strength Training',
  yoga: 'Yoga',
  hiit: 'HIIT',
  jump_rope: 'Jump Rope',
};

export function uploadName(w: Workout): string {
  return w.name || defaultName(w);
}

/** "Morning Run": the part of the day at the workout's place, and the sport. */
export function defaultName(w: Pick<Workout, 'sport' | 'startTime' | 'utcOffsetSeconds'>): string {
  const localHour = new Date(Date.parse(w.startTime) + w.utcOffsetSeconds * 1000).getUTCHours();
  const part =
    localHour < 5
      ? 'Night'
      : localHour < 12
        ? 'Morning'
        : localHour < 17
          ? 'Afternoon'
          : localHour < 21
            ? 'Evening'
            : 'Night';
  return `${part} ${SPORT_WORD[w.sport] ?? 'Workout'}`;
}
