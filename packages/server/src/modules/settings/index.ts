export { searchUrl } from './geocode.service.js'
export { settingsRoutes } from './settings.routes.js'
export { tileOrigin } from './settings.schemas.js'
export { refreshTileCsp, tileImgSrc } from './settings.service.js'
