using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace Shop.Orders
{
    public class OrderService
    {
        private readonly IOrderRepository _repository;
        private readonly ILogger<OrderService> _logger;

        public OrderService(IOrderRepository repository, ILogger<OrderService> logger)
        {
            _repository = repository ?? throw new ArgumentNullException(nameof(repository));
            _logger = logger;
        }

        public async Task<decimal> TotalForCustomerAsync(Guid customerId)
        {
            IEnumerable<Order> orders = await _repository.GetByCustomerAsync(customerId);
            var total = orders.Where(o => !o.Cancelled).Sum(o => o.Amount);
            _logger.LogInformation("Customer {Id} total {Total}", customerId, total);
            return total;
        }
    }
}
