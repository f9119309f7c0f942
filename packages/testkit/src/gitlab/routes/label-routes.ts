import { apiError, missing, sendJson, str } from '../http';
import { paginate } from '../paginate';
import { projectOr404 } from './project-routes';
import { route, type Route } from './route';

const CSS_COLOR = /^(#[0-9a-f]{3}|#[0-9a-f]{6}|[a-z]+)$/i;

export const labelRoutes: Route[] = [
  route('GET', '/projects/:id/labels', (ctx, { store, ser }) => {
    const project = projectOr404(store, ctx.params[0]);
    const search = str(ctx.input, 'search')?.toLowerCase();
    const labels = search
      ? project.labels.filter((l) => l.name.toLowerCase().includes(search))
      : project.labels;
    const sorted = [...labels].sort((a, b) => a.name.localeCompare(b.name));
    const { page, headers } = paginate(ctx, sorted);
    sendJson(
      ctx.res,
      200,
      page.map((l) => ser.label(project, l)),
      headers,
    );
  }),

  // 409 {"message":"Label already exists"} (label_helpers.rb: conflict!); validation failures 400 {"message":{field:[...]}}.
  route('POST', '/projects/:id/labels', (ctx, { store, ser }) => {
    const project = projectOr404(store, ctx.params[0]);
    const name = str(ctx.input, 'name');
    const color = str(ctx.input, 'color');
    if (!name) throw missing('name');
    if (!color) throw missing('color');
    if (store.findLabel(project, name)) throw apiError(409, 'Label already exists');
    if (!CSS_COLOR.test(color)) throw apiError(400, { color: ['must be a valid color code'] });
    const label = store.addLabel(project.id, {
      name,
      color,
      description: str(ctx.input, 'description') ?? null,
    });
    sendJson(ctx.res, 201, ser.label(project, label));
  }),
];
