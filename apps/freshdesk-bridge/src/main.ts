import { runWebhookApp } from '@devops/webhooks';
import { freshdeskBridge } from './app';

runWebhookApp(freshdeskBridge);
