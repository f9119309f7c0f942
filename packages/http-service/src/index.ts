import { port, text } from '@devops/config';

export { createServiceApp, requestLog, type ServiceBase, type RequestWithLog } from './create-service-app';
export type { ServiceApp } from './service-app';
export { listen, serveUntilSignalled, type RunningServer, type ServeOptions } from './serve';

/** PORT and HOST, with this service's default port. */
export function serverSettings(defaultPort: number) {
  return {
    PORT: port({ default: defaultPort, description: 'TCP port to listen on' }),
    HOST: text({ default: '0.0.0.0', description: 'Address to listen on' }),
  };
}
