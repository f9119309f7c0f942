import { runWebhookApp } from '@devops/webhooks';
import { versionCheck } from './app';

runWebhookApp(versionCheck);
