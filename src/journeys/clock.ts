/** Trace ticks → ISO text: the shared clock from src/bytes (kept as a module so journeys can re-export it). */
export { IsoClock } from "../bytes/time.js";
