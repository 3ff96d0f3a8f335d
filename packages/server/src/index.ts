export { createApp, type JusticeConnectApp, type StaticRoots } from './app.ts';
export { loadConfig, type ServerConfig } from './config.ts';
export { seedDemo, DEMO_USERS, DEMO_AGENCIES } from './seed.ts';
