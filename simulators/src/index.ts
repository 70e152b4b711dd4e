export {
  startSimulation,
  type Simulation,
  type SimulationOptions,
  type SimulationStats,
  type SimulatedDevice,
} from './device-simulator';
export {
  createBehaviourState,
  isSimulatedType,
  nextTick,
  type BehaviourState,
  type Metrics,
  type SimulatedEvent,
  type TickInput,
  type TickResult,
} from './device-behaviour';
export { createRandom, deriveSeed, type Random } from './random';
