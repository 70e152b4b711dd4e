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
export { writeReadingsHistory, type HistoryDevice } from './history-readings';
export {
  FAULT_KINDS,
  loadScenario,
  parseDuration,
  parseScenario,
  selectDevices,
  type FaultKind,
  type Scenario,
  type Step,
  type Target,
} from './scenario';
export { createPlan, checkScenario, type Plan, type PlannedAction, type PlanDevice } from './scenario-plan';
export { applyFaults, type MessageFault } from './faults';
export { acceleratedStart, createSimClock, type SimClock } from './sim-clock';
export {
  DATA_DIR_PROVISIONING_FILE,
  SCENARIOS_DIR,
  listScenarioNames,
  readDataDirDevices,
  readDevices,
  resolveScenarioFile,
} from './provisioning';
