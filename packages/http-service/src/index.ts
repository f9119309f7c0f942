import { integer, port, text } from '@devops/config';

export { createServiceApp, requestLog, type ServiceBase, type RequestWithLog } from './create-service-app';
export type { ServiceApp } from './service-app';
export { closeRefusedRequest } from './close-refused-request';
export { IDLE_TIMEOUT_MS } from './watch-idle-connections';
export {
  KEEP_ALIVE_TIMEOUT_MS,
  listen,
  serveUntilSignalled,
  type RunningServer,
  type ServeOptions,
} from './serve';

/** PORT, HOST and SHUTDOWN_DELAY, with this service's default port. */
export function serverSettings(defaultPort: number) {
  return {
    PORT: port({ default: defaultPort, description: 'TCP port to listen on' }),
    HOST: text({ default: '0.0.0.0', description: 'Address to listen on' }),
    SHUTDOWN_DELAY: integer({
      default: 0,
      min: 0,
      max: 20,
      description:
        'Seconds after SIGTERM during which /healthz answers 503 and requests are still served, so a load balancer stops sending here first (replicas: above its health-check interval)',
    }),
  };
}
